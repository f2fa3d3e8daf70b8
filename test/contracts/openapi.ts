/**
 * GitHub's REST contract, from its published OpenAPI description (`@octokit/openapi`, api.github.com): which
 * operation a request is, whether its path, query parameters and JSON body are ones GitHub documents, and whether a
 * response body has the documented shape. Shared by the e2e stand-in and the app's nock fakes. The description is
 * read once per process and each operation's validators compiled on first use.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  literal: number;
  spec: Json;
}

export interface RestRequest {
  method: string;
  /** The URL path, still percent-encoded as sent. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface RestResponse {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

const require = createRequire(import.meta.url);
const DOCUMENT = "github";
let loaded: { doc: Json; operations: Operation[]; ajv: Ajv } | null = null;
const validators = new Map<string, ValidateFunction | null>();

/** Read GitHub's description now (a second or two, once per process) rather than on the first request. */
export function loadOpenApi(): void {
  load();
}

function load() {
  if (loaded) return loaded;
  const doc = JSON.parse(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8")) as Json;
  nullableForAjv(doc);
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(doc["paths"] as Json)) {
    for (const [method, spec] of Object.entries(item as Json)) {
      if (!["get", "put", "post", "patch", "delete", "head"].includes(method)) continue;
      const parameters = resolveAll(doc, (spec as Json)["parameters"] ?? []);
      const multi = new Set(parameters.filter((p: Json) => p["x-multi-segment"]).map((p: Json) => p["name"] as string));
      const names: string[] = [];
      let literal = 0;
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const name = /^\{([^}]+)\}$/.exec(part)?.[1];
          if (!name) {
            literal += part.length;
            return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          }
          names.push(name);
          return multi.has(name) ? "(.+)" : "([^/]+)";
        })
        .join("");
      operations.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), names, literal, spec: { ...(spec as Json), parameters } });
    }
  }
  // The most literal template wins (`/issues/comments/{id}` over `/issues/{number}/comments`-like overlaps).
  operations.sort((a, b) => b.literal - a.literal);
  // Only the components are needed for `$ref`s; the paths are read above.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, discriminator: false, inlineRefs: false });
  ajv.addSchema({ components: doc["components"] }, DOCUMENT);
  loaded = { doc, operations, ajv };
  return loaded;
}

/** OpenAPI 3.0's `nullable` next to `allOf`/`oneOf`/`$ref` (no `type`), which Ajv refuses, written as `anyOf` with null. */
function nullableForAjv(node: unknown): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) return node.forEach(nullableForAjv);
  const object = node as Json;
  for (const value of Object.values(object)) nullableForAjv(value);
  // `nullable` admits null, also beside an `enum` that does not list it (a job's `conclusion` is null until it ends,
  // as GitHub answers); Ajv would hold the enum against it.
  if (object["nullable"] === true && Array.isArray(object["enum"]) && !object["enum"].includes(null)) object["enum"] = [...object["enum"], null];
  if (object["nullable"] === true && object["type"] === undefined) {
    const { nullable: _nullable, ...rest } = object;
    for (const key of Object.keys(object)) delete object[key];
    object["anyOf"] = [rest, { type: "null" }];
  }
}

function resolve(doc: Json, node: Json): Json {
  let current = node;
  for (let hops = 0; current && typeof current["$ref"] === "string" && hops < 20; hops++) {
    const path = (current["$ref"] as string).replace(/^#\//, "").split("/");
    current = path.reduce<Json>((at, key) => at?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  }
  return current;
}

const resolveAll = (doc: Json, list: Json[]) => list.map((p) => resolve(doc, p));

/** A schema's `$ref`s made absolute into the added document, so Ajv resolves them lazily. */
function anchored(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${DOCUMENT}#/`)) as Json;
}

function compiled(key: string, schema: () => Json | undefined): ValidateFunction | null {
  if (validators.has(key)) return validators.get(key)!;
  const found = schema();
  let validate: ValidateFunction | null = null;
  try {
    validate = found ? load().ajv.compile(anchored(found)) : null;
  } catch (error) {
    throw new Error(`openapi: cannot compile the schema of ${key}: ${String(error)}`);
  }
  validators.set(key, validate);
  return validate;
}

function describe(validate: ValidateFunction, where: string): string[] {
  return (validate.errors ?? []).slice(0, 40).map((e) => `${where}${e.instancePath} ${e.message ?? "is invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params["additionalProperty"])})` : ""}`);
}

const matched = new Map<string, { operation: Operation; params: Record<string, string> } | null>();

/** The documented operation for a method and path, with its path parameters (remembered per path: tests repeat them). */
export function operationFor(method: string, path: string): { operation: Operation; params: Record<string, string> } | null {
  const key = `${method.toUpperCase()} ${path}`;
  if (!matched.has(key)) matched.set(key, findOperation(method, path));
  return matched.get(key)!;
}

function findOperation(method: string, path: string): { operation: Operation; params: Record<string, string> } | null {
  for (const operation of load().operations) {
    if (operation.method !== method.toUpperCase()) continue;
    const found = operation.regex.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    operation.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)));
    return { operation, params };
  }
  return null;
}

function coerce(value: string, schema: Json): unknown {
  const type = schema["type"] ?? (schema["oneOf"] as Json[] | undefined)?.[0]?.["type"];
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

/**
 * Object schemas of a request body, made strict: a field GitHub does not document is an error (GitHub ignores most
 * of them silently, which hides a misspelt option).
 */
function strict(doc: Json, schema: Json, depth = 0): Json {
  const node = resolve(doc, schema);
  if (!node || typeof node !== "object" || depth > 6) return node;
  const out: Json = { ...node };
  if (out["properties"] && out["additionalProperties"] === undefined && !out["oneOf"] && !out["anyOf"] && !out["allOf"]) {
    out["additionalProperties"] = false;
  }
  if (out["properties"]) {
    out["properties"] = Object.fromEntries(Object.entries(out["properties"] as Json).map(([k, v]) => [k, strict(doc, v as Json, depth + 1)]));
  }
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    if (Array.isArray(out[key])) out[key] = (out[key] as Json[]).map((s) => strict(doc, s, depth + 1));
  }
  if (out["items"]) out["items"] = strict(doc, out["items"] as Json, depth + 1);
  return out;
}

/**
 * Compile the validators of the operation a path reaches (its body, parameters and successful responses) now, e.g.
 * when a stand-in starts, rather than on its first call.
 */
export function prepareOperation(method: string, path: string): void {
  const found = operationFor(method, path);
  if (!found) return;
  const { doc } = load();
  const { operation } = found;
  const id = `${operation.method} ${operation.template}`;
  for (const parameter of operation.spec["parameters"] as Json[]) {
    if (parameter["in"] === "path" || parameter["in"] === "query") compiled(`${id} ${parameter["in"]} ${parameter["name"]}`, () => parameter["schema"] as Json);
  }
  const body = resolve(doc, operation.spec["requestBody"] ?? {})?.["content"]?.["application/json"]?.["schema"] as Json | undefined;
  if (body) compiled(`${id} body`, () => strict(doc, body));
  for (const [status, response] of Object.entries(operation.spec["responses"] as Json)) {
    if (!/^2\d\d$/.test(status)) continue;
    const schema = resolve(doc, response as Json)?.["content"]?.["application/json"]?.["schema"] as Json | undefined;
    if (schema) compiled(`${id} ${status}`, () => schema);
  }
}

/** What is wrong with a request by GitHub's description; empty when it is a documented call. */
export function checkRequest(request: RestRequest): string[] {
  const { doc } = load();
  const what = `${request.method} ${request.path}`;
  const found = operationFor(request.method, request.path);
  if (!found) return [`${what}: no such operation in GitHub's REST API`];
  const { operation, params } = found;
  const problems: string[] = [];
  const parameters = operation.spec["parameters"] as Json[];
  const id = `${operation.method} ${operation.template}`;
  for (const parameter of parameters) {
    const name = parameter["name"] as string;
    const where = parameter["in"] as string;
    if (where !== "path" && where !== "query") continue;
    const raw = where === "path" ? params[name] : (request.query.get(name) ?? undefined);
    if (raw === undefined) {
      if (parameter["required"]) problems.push(`${what}: missing ${where} parameter ${name}`);
      continue;
    }
    const validate = compiled(`${id} ${where} ${name}`, () => parameter["schema"] as Json);
    if (validate && !validate(coerce(raw, parameter["schema"] as Json))) problems.push(...describe(validate, `${what}: ${where} parameter ${name}`));
  }
  const known = new Set(parameters.filter((p) => p["in"] === "query").map((p) => p["name"] as string));
  for (const name of new Set(request.query.keys())) {
    if (!known.has(name)) problems.push(`${what}: unknown query parameter ${name}`);
  }
  const bodySpec = resolve(doc, operation.spec["requestBody"] ?? {});
  const schema = bodySpec?.["content"]?.["application/json"]?.["schema"] as Json | undefined;
  const hasBody = request.body !== null && request.body !== undefined && request.body !== "";
  if (!schema) {
    if (hasBody && !["GET", "HEAD"].includes(operation.method)) problems.push(`${what}: GitHub takes no body here`);
  } else if (!hasBody) {
    if (bodySpec["required"]) problems.push(`${what}: a body is required`);
  } else {
    const validate = compiled(`${id} body`, () => strict(doc, schema));
    if (validate && !validate(request.body)) problems.push(...describe(validate, `${what}: body`));
  }
  return problems;
}

/** What is wrong with a response body by GitHub's description (statuses it does not document for a success too). */
export function checkResponse(response: RestResponse): string[] {
  const { doc } = load();
  const what = `${response.method} ${response.path} → ${response.status}`;
  const found = operationFor(response.method, response.path);
  if (!found) return [];
  const { operation } = found;
  const responses = operation.spec["responses"] as Json;
  const documented = responses[String(response.status)] ?? responses["default"];
  if (!documented) return response.status < 300 ? [`${what}: GitHub does not answer ${response.status} here`] : [];
  const schema = resolve(doc, documented)?.["content"]?.["application/json"]?.["schema"] as Json | undefined;
  if (!schema) return [];
  const validate = compiled(`${operation.method} ${operation.template} ${response.status}`, () => schema);
  return validate && !validate(response.body) ? describe(validate, `${what}: response`) : [];
}
