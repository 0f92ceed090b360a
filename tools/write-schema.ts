import '../use-compile-cache'; // first: the modules below compile from the code cache
import { writeFileSync } from 'node:fs';
import { configJsonSchema, JSON_SCHEMA_PATH } from '../config/json-schema';

// Regenerates the published JSON Schema; a test fails when the committed copy is stale.
writeFileSync(JSON_SCHEMA_PATH, JSON.stringify(configJsonSchema(), null, 2) + '\n');
console.log(`wrote ${JSON_SCHEMA_PATH}`);
