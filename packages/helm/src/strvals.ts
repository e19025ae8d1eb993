/**
 * `valuesFrom[].targetPath` as helm-controller applies it (fluxcd/pkg chartutil.ReplacePathValue):
 * `<path>=<value>` through Helm's `--set` parser (helm.sh/helm strvals). Covered: dotted keys, `\`
 * escapes, list indexes `a[0]`, `{a,b}` lists, typed values (true/false/null/integers) unless the
 * value is quoted ('…' or "…": a string) or `literal` (`--set-literal`: verbatim). Like Helm, an
 * unescaped `,` in a non-literal value starts another assignment. Returns an error message or undefined.
 */
export function setPathValue(target: Record<string, unknown>, path: string, value: string, literal: boolean): string | undefined {
  let asString = false;
  if (literal) {
    value = value.replace(/[\\,[\]{}]/g, (char) => `\\${char}`);
    asString = true;
  } else if ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'))) {
    value = value.replace(/^['"]+|['"]+$/g, "");
    asString = true;
  }
  try {
    new Parser(`${path}=${value}`, asString).parseInto(target);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const MAX_INDEX = 65536;

class Parser {
  #pos = 0;
  readonly #text: string[];
  constructor(
    text: string,
    private readonly asString: boolean,
  ) {
    this.#text = [...text];
  }

  parseInto(data: Record<string, unknown>): void {
    while (this.#pos < this.#text.length) this.#key(data);
  }

  #until(stops: string): { text: string; stop: string | undefined } {
    let text = "";
    while (this.#pos < this.#text.length) {
      const char = this.#text[this.#pos++]!;
      if (char === "\\" && this.#pos < this.#text.length) {
        text += this.#text[this.#pos++];
        continue;
      }
      if (stops.includes(char)) return { text, stop: char };
      text += char;
    }
    return { text, stop: undefined };
  }

  #key(data: Record<string, unknown>): void {
    const { text: key, stop } = this.#until("=[,.");
    switch (stop) {
      case undefined:
        throw new Error(`key "${key}" has no value`);
      case ",":
        throw new Error(`key "${key}" has no value (cannot end with ,)`);
      case "=":
        data[key] = this.#value();
        return;
      case ".": {
        const child = isMap(data[key]) ? (data[key] as Record<string, unknown>) : {};
        data[key] = child;
        this.#key(child);
        return;
      }
      case "[": {
        const list = Array.isArray(data[key]) ? (data[key] as unknown[]) : [];
        data[key] = list;
        this.#listItem(list);
        return;
      }
    }
  }

  #index(): number {
    const { text, stop } = this.#until("]");
    if (stop !== "]") throw new Error("missing closing ]");
    const index = Number(text);
    if (!/^\d+$/.test(text) || index > MAX_INDEX) throw new Error(`invalid list index "${text}" (0 to ${MAX_INDEX})`);
    return index;
  }

  #listItem(list: unknown[]): void {
    const index = this.#index();
    while (list.length <= index) list.push(null);
    const next = this.#text[this.#pos++];
    if (next === "=") list[index] = this.#value();
    else if (next === ".") {
      const child = isMap(list[index]) ? (list[index] as Record<string, unknown>) : {};
      list[index] = child;
      this.#key(child);
    } else if (next === "[") {
      const inner = Array.isArray(list[index]) ? (list[index] as unknown[]) : [];
      list[index] = inner;
      this.#listItem(inner);
    } else throw new Error(`unexpected ${next === undefined ? "end" : JSON.stringify(next)} after list index`);
  }

  #value(): unknown {
    if (!this.asString && this.#text[this.#pos] === "{") {
      this.#pos++;
      const items: unknown[] = [];
      for (;;) {
        const { text, stop } = this.#until(",}");
        items.push(typed(text));
        if (stop === "}") break;
        if (stop === undefined) throw new Error("list must terminate with '}'");
      }
      const after = this.#text[this.#pos];
      if (after !== undefined && after !== ",") throw new Error(`unexpected ${JSON.stringify(after)} after list`);
      if (after === ",") this.#pos++;
      return items;
    }
    const { text } = this.#until(",");
    return this.asString ? text : typed(text);
  }
}

/** strvals.typedVal */
function typed(text: string): unknown {
  const lower = text.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (lower === "null") return null;
  if (text === "0") return 0;
  if (text !== "" && text[0] !== "0" && /^[-+]?\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  return text;
}

function isMap(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
