/**
 * GitHub's webhook contract, from `@octokit/webhooks-schemas`: whether a payload the stand-in sends (or a test
 * hands the app) has the shape GitHub documents for its event and action. Compiled once per event and action.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

const require = createRequire(import.meta.url);
const DOCUMENT = "webhooks";
let ajv: Ajv | null = null;
let definitions: Record<string, unknown> = {};
const validators = new Map<string, ValidateFunction | null>();

/** Read GitHub's webhook schemas now (once per process) rather than on the first payload. */
export function loadWebhookSchemas(): void {
  load();
}

function load(): Ajv {
  if (ajv) return ajv;
  const schema = JSON.parse(readFileSync(require.resolve("@octokit/webhooks-schemas/schema.json"), "utf8")) as { definitions: Record<string, unknown> };
  definitions = schema.definitions;
  withoutRequired(definitions);
  ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, inlineRefs: false });
  ajv.addSchema({ definitions }, DOCUMENT);
  return ajv;
}

/** Drop every `required` list (see checkWebhook); a property that happens to be named `required` is an object, kept. */
function withoutRequired(node: unknown): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) return node.forEach(withoutRequired);
  const object = node as Record<string, unknown>;
  if (Array.isArray(object["required"])) delete object["required"];
  for (const value of Object.values(object)) withoutRequired(value);
}

/**
 * What is wrong with a webhook payload by GitHub's schema for `event` (and its `action`): a field of the wrong type
 * or value, or one the schema does not have. Missing fields are not counted: GitHub's own recorded examples
 * (`@octokit/webhooks-examples`) lack fields the schemas mark required, and the stand-in builds on those examples.
 */
export function checkWebhook(event: string, payload: Record<string, unknown>): string[] {
  const compiler = load();
  const action = typeof payload["action"] === "string" ? payload["action"] : "event";
  const name = `${event}$${action}`;
  if (!validators.has(name)) {
    validators.set(name, name in definitions ? compiler.getSchema(`${DOCUMENT}#/definitions/${name.replace(/\$/g, "$")}`) ?? null : null);
  }
  const validate = validators.get(name);
  if (validate === undefined || validate === null) return [`webhook ${name}: no such event in GitHub's webhook schemas`];
  if (validate(payload)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `webhook ${name}${e.instancePath} ${e.message ?? "is invalid"}${"additionalProperty" in e.params ? ` (${String(e.params["additionalProperty"])})` : ""}`);
}
