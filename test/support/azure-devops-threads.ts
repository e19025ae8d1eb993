import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ThreadsApi {
  /** `http://127.0.0.1:<port>/contoso/`, the collection URI. */
  collectionUri: string;
  threads: { id: number; comments: { id: number; content: string }[] }[];
  requests: { method: string; url: string; auth: string | undefined; body: unknown }[];
  close(): void;
}

/**
 * A local Azure DevOps pull request threads API (api-version 7.1: list, create a thread, update a
 * comment) holding `threads`, recording each request, for ci-templates/azure-pipelines/post-pr-comment.mjs.
 */
export async function startThreadsApi(threads: ThreadsApi["threads"]): Promise<ThreadsApi> {
  const requests: ThreadsApi["requests"] = [];
  let nextThread = 7;
  const server = createServer(async (request: IncomingMessage, response) => {
    let text = "";
    for await (const chunk of request) text += String(chunk);
    const body = text ? (JSON.parse(text) as { comments?: { content: string }[]; content?: string }) : undefined;
    requests.push({ method: request.method!, url: request.url!, auth: request.headers.authorization, body });
    const path = request.url!.split("?")[0]!;
    response.setHeader("content-type", "application/json");
    if (request.method === "GET") response.end(JSON.stringify({ value: threads, count: threads.length }));
    else if (request.method === "POST") {
      const id = nextThread++;
      threads.push({ id, comments: [{ id: 1, content: body!.comments![0]!.content }] });
      response.end(JSON.stringify({ id }));
    } else {
      const [, thread, comment] = /threads\/(\d+)\/comments\/(\d+)$/.exec(path)!;
      threads.find((t) => t.id === Number(thread))!.comments.find((c) => c.id === Number(comment))!.content = body!.content!;
      response.end(JSON.stringify({ id: Number(comment) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { collectionUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/contoso/`, threads, requests, close: () => server.close() };
}
