// Turns the openAPIV3Schema of one version of a CustomResourceDefinition (JSON, on stdin) into a draft-07 JSON Schema
// that judges a manifest as the API server's strict field validation (kubectl --validate=strict) does: an unknown
// field is an error unless the schema preserves unknown fields, and int-or-string and nullable mean what they say.
// Usage: node crd-to-json-schema.mjs <version> < crd.json > schema.json
import { readFileSync } from "node:fs";

const version = process.argv[2];
const crd = JSON.parse(readFileSync(0, "utf8"));
const served = crd.spec.versions.find((v) => v.name === version);
if (!served) {
  throw new Error(`${crd.metadata.name} has no version ${version}`);
}

function convert(node) {
  if (Array.isArray(node)) {
    return node.map(convert);
  }
  if (node === null || typeof node !== "object") {
    return node;
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-kubernetes-") || key === "nullable") {
      continue;
    }
    if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, convert(s)]));
    } else if (["items", "additionalProperties", "not"].includes(key) && typeof value === "object") {
      out[key] = convert(value);
    } else if (["oneOf", "anyOf", "allOf"].includes(key)) {
      out[key] = value.map(convert);
    } else {
      out[key] = value;
    }
  }
  if (node["x-kubernetes-int-or-string"]) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (node.nullable && out.type) {
    out.type = [out.type, "null"];
  }
  if (out.properties && out.additionalProperties === undefined && !node["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  return out;
}

const schema = convert(served.schema.openAPIV3Schema);
schema.properties.apiVersion = { const: `${crd.spec.group}/${version}` };
schema.properties.kind = { const: crd.spec.names.kind };
schema.required = [...new Set(["apiVersion", "kind", "metadata", ...(schema.required ?? [])])];
process.stdout.write(JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", ...schema }, null, 2) + "\n");
