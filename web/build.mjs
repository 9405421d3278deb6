// Bundles the widget and the demo page's script into dist/ (git-ignored). `npm run build`.
import { build } from "esbuild";
import { copyFile, mkdir, writeFile } from "node:fs/promises";

const common = { bundle: true, minify: true, sourcemap: true, target: ["es2019"], logLevel: "warning" };

await mkdir("dist", { recursive: true });
await build({
  ...common,
  entryPoints: ["src/widget/index.js"],
  outfile: "dist/widget.js",
  format: "iife",
  globalName: "SupportChat",
});
await build({ ...common, entryPoints: ["src/widget/widget.css"], outfile: "dist/widget.css" });
await build({ ...common, entryPoints: ["src/page/page.js"], outfile: "dist/page.js", format: "iife" });
await build({ ...common, entryPoints: ["src/page/page.css"], outfile: "dist/page.css" });
await copyFile("src/page/favicon.svg", "dist/favicon.svg");
await writeFile("dist/.built", new Date().toISOString() + "\n");
