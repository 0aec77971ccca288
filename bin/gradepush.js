#!/usr/bin/env node
// Runs the compiled command line; `npm run build` creates dist/.
import '../dist/src/cli/main.js';
