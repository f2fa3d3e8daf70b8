#!/usr/bin/env node
// The `dispatch` command line; `npm run build` (run by `npm ci` through `prepare`) compiles it into lib/.
import "../lib/cli/main.js";
