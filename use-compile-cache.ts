import * as path from 'node:path';
import { enableCompileCache } from './compile-cache';

// Imported first by every entry point: each module loaded after it compiles from the V8 code cache
// (compile-cache.ts). Only in a process started from the build (node dist/...), not in a test runner that
// imports an entry point's module.
const build = path.dirname(__filename);
if (__filename.endsWith('.js') && require.main?.filename.startsWith(`${build}${path.sep}`)) enableCompileCache();
