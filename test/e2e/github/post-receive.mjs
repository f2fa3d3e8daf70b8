// The stand-in's post-receive hook: tells the stand-in which refs a `git push` moved, so it can send push webhooks.
// Usage (from hooks/post-receive): node post-receive.mjs <stand-in url> <owner/repo>; git writes "old new ref" lines
// on stdin. STANDIN_PUSHER (optional, in the pusher's environment) names who pushed.
const [url, repo] = process.argv.slice(2);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const updates = input
  .split("\n")
  .map((line) => line.trim().split(/\s+/))
  .filter((parts) => parts.length === 3)
  .map(([before, after, ref]) => ({ before, after, ref }));
if (updates.length > 0) {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ repo, pusher: process.env.STANDIN_PUSHER ?? null, updates }),
    });
    if (!response.ok) console.error(`stand-in refused the push report: ${response.status}`);
  } catch (error) {
    console.error(`stand-in unreachable: ${error}`);
  }
}
