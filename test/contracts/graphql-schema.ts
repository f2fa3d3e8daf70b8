/**
 * GitHub's published GraphQL schema (`@octokit/graphql-schema`), built once per process. Queries validated or
 * executed against it use only the types, fields and arguments GitHub has.
 */
import { schema as published } from "@octokit/graphql-schema";
import { buildSchema, parse, validate, type GraphQLSchema } from "graphql";

let built: GraphQLSchema | null = null;

export function githubSchema(): GraphQLSchema {
  // The published SDL repeats a few enterprise fields; GitHub's own schema is valid, so its SDL is trusted as is.
  built ??= buildSchema(published.idl, { assumeValidSDL: true });
  return built;
}

/** Why GitHub would refuse this query before running it (unknown field, wrong argument …); empty when valid. */
export function checkQuery(query: string): string[] {
  try {
    return validate(githubSchema(), parse(query)).map((error) => error.message);
  } catch (error) {
    return [String(error)];
  }
}
