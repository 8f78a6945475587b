// Validates every manifest in k8s/*.yaml offline: each document against the schema of its
// apiVersion/kind (kubernetes-models, @kubernetes-models/prometheus-operator). Exit 1 on any
// error, naming file, kind, name and what is wrong. Run: npm ci --prefix k8s/validate && node k8s/validate/validate.mjs
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "policy/v1": "kubernetes-models/policy/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

let errors = 0;
let checked = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
    const obj = doc.toJS();
    if (!obj) continue;
    const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const mod = modules[obj.apiVersion];
    if (!mod) {
      console.error(`${where}: no schema for apiVersion ${obj.apiVersion}`);
      errors++;
      continue;
    }
    const classes = await import(mod);
    const Kind = classes[obj.kind];
    if (!Kind) {
      console.error(`${where}: no schema for kind ${obj.kind} in ${obj.apiVersion}`);
      errors++;
      continue;
    }
    try {
      new Kind(obj).validate();
      checked++;
      console.log(`ok ${where}`);
    } catch (e) {
      console.error(`${where}: ${e.message}`);
      errors++;
    }
  }
}
console.log(`${checked} manifests valid, ${errors} errors`);
process.exit(errors === 0 && checked > 0 ? 0 : 1);
