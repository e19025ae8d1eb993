import { Environment } from "@marcbachmann/cel-js";
const env = new Environment({ homogeneousAggregateLiterals: false }).registerVariable("self", "dyn");
for (const r of ["self.find('x')", "self.undefinedFn()", "self == oldSelf", "self.contains(1)", "self.startsWith('a')", "size(self) > 'a'", "self.all(x, x.foo())", "self.a + 1"]) {
  try { const c = env.check(r); console.log(r, c.valid, c.type, c.error?.message.split("\n")[0]); } catch (e) { console.log(r, "THROW", e.message); }
}
