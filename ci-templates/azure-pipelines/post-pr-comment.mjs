#!/usr/bin/env node
// Posts a Markdown file as a pull-request comment on Azure Repos, or updates the comment this
// script posted before (found by a marker), through the pull request threads REST API
// (https://learn.microsoft.com/rest/api/azure/devops/git/pull-request-threads, api-version 7.1).
// Reads the pipeline's predefined variables: SYSTEM_COLLECTIONURI, SYSTEM_TEAMPROJECTID,
// BUILD_REPOSITORY_ID, SYSTEM_PULLREQUEST_PULLREQUESTID and SYSTEM_ACCESSTOKEN (mapped in env:).
import { readFileSync } from "node:fs";

const MARKER = "<!-- flotilla-diff -->";
const file = process.argv[2];
const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`post-pr-comment: ${name} is not set; run this in a pull-request build (map SYSTEM_ACCESSTOKEN: $(System.AccessToken) in env:)`);
    process.exit(2);
  }
  return value;
};
if (!file) {
  console.error("usage: post-pr-comment.mjs <markdown file>");
  process.exit(2);
}

const content = `${MARKER}\n${readFileSync(file, "utf8")}`;
const base = `${env("SYSTEM_COLLECTIONURI").replace(/\/?$/, "/")}${encodeURIComponent(env("SYSTEM_TEAMPROJECTID"))}/_apis/git/repositories/${encodeURIComponent(env("BUILD_REPOSITORY_ID"))}/pullRequests/${encodeURIComponent(env("SYSTEM_PULLREQUEST_PULLREQUESTID"))}/threads`;
const headers = { authorization: `Bearer ${env("SYSTEM_ACCESSTOKEN")}`, "content-type": "application/json", accept: "application/json" };

async function call(method, url, body) {
  const response = await globalThis.fetch(`${url}${url.includes("?") ? "&" : "?"}api-version=7.1`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

const threads = (await call("GET", base)).value ?? [];
const existing = threads.flatMap((thread) => (thread.comments ?? []).map((comment) => ({ thread, comment }))).find(({ comment }) => comment.content?.startsWith(MARKER));
if (existing) {
  await call("PATCH", `${base}/${existing.thread.id}/comments/${existing.comment.id}`, { content });
  console.log(`post-pr-comment: updated comment ${existing.comment.id} of thread ${existing.thread.id}`);
} else {
  // status 4 (closed): the comment informs; it never blocks completing the pull request.
  const thread = await call("POST", base, { comments: [{ parentCommentId: 0, content, commentType: 1 }], status: 4 });
  console.log(`post-pr-comment: created thread ${thread.id}`);
}
