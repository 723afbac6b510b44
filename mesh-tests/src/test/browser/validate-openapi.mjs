// Checks an OpenAPI document with an independent validator (@apidevtools/swagger-parser: the OpenAPI
// 3.1 JSON Schema plus its own rules: unique operation ids, declared path parameters, resolvable $refs).
// Started by ApiDescriptionEndToEndTest with the file the gateway served. Exit 0 when valid.
//   node validate-openapi.mjs <file>
import SwaggerParser from '@apidevtools/swagger-parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate-openapi.mjs <openapi.json>');
  process.exit(2);
}
try {
  const api = await SwaggerParser.validate(file);
  const operations = Object.values(api.paths).flatMap((item) => Object.values(item)).length;
  console.log(`[openapi] valid OpenAPI ${api.openapi}: ${Object.keys(api.paths).length} paths, ${operations} operations`);
} catch (e) {
  console.error(`[openapi] INVALID: ${e.message}`);
  process.exit(1);
}
