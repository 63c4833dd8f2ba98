#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly: swc-node compiles on load and resolves the repo's path aliases.
const path = require('node:path');

// Always the repo config: its path aliases are what the sources import.
process.env.SWC_NODE_PROJECT = path.resolve(__dirname, '../../../tsconfig.json');
require('@swc-node/register');
require('../src/main.ts');
