/**
 * GitHub's published GraphQL schema (`@octokit/graphql-schema`), built once per process from its introspection
 * (`schema.json`; the same types, fields and arguments as its SDL, built in a third of the time). Queries validated or
 * executed against it use only the types, fields and arguments GitHub has. The stand-in's values name their type
 * (`__typename`), which is how interfaces and unions resolve without resolvers of the schema's own.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { buildClientSchema, parse, validate, type GraphQLSchema, type IntrospectionQuery } from "graphql";

const require = createRequire(import.meta.url);
let built: GraphQLSchema | null = null;

export function githubSchema(): GraphQLSchema {
  if (built) return built;
  const published = JSON.parse(readFileSync(packageFile("@octokit/graphql-schema", "schema.json"), "utf8")) as { data?: IntrospectionQuery } & Partial<IntrospectionQuery>;
  // GitHub's own schema is valid: built as published, not checked again.
  built = buildClientSchema((published.data ?? published) as IntrospectionQuery, { assumeValid: true });
  return built;
}

/** A file of an installed package that its `exports` do not list, found where Node would look for the package. */
function packageFile(name: string, file: string): string {
  for (const folder of require.resolve.paths(name) ?? []) {
    const path = join(folder, name, file);
    if (existsSync(path)) return path;
  }
  throw new Error(`${name}/${file} is not installed: run npm ci`);
}

/** Why GitHub would refuse this query before running it (unknown field, wrong argument …); empty when valid. */
export function checkQuery(query: string): string[] {
  try {
    return validate(githubSchema(), parse(query)).map((error) => error.message);
  } catch (error) {
    return [String(error)];
  }
}
