// What an app records beside its manifests for the cdk8s CLI plugin (validation-plugin.ts): the
// construct path of every object by kind, namespace and name, and the objects it assumes to exist.
// The app writes the record at synth (the analyzer attaches the writer); the plugin reads it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { assumedObjects } from './assumed-objects';

/** The record's file, in the app's output directory beside cdk8s's construct-metadata.json. */
const PATHS_FILE = 'mesh-construct-paths.json';
/** An object's construct path by kind, namespace and name. */
export interface RecordedPath { readonly kind: string; readonly namespace?: string; readonly name: string; readonly path: string }
/** What the app recorded: its objects' paths and the objects it assumes. */
export interface AppRecord { readonly objects: RecordedPath[]; readonly assumed: any[] }

/**
 * The record the app wrote beside its manifests, if any.
 * @internal
 */
export function appRecord(manifests: readonly string[]): AppRecord {
  const dirs = [...new Set(manifests.flatMap((m) => [dirname(m), dirname(dirname(m))]))];
  const recordFile = dirs.map((d) => join(d, PATHS_FILE)).find((f) => existsSync(f));
  const record = recordFile ? JSON.parse(readFileSync(recordFile, 'utf8')) : {};
  return { objects: record.objects ?? [], assumed: record.assumed ?? [] };
}

/**
 * When the cdk8s CLI records construct metadata (it does for validation plugins), records the
 * construct path of every ApiObject of the app by kind, namespace and name in the output directory:
 * the CLI's construct-metadata.json keys objects by name alone, so that objects of different kinds
 * with one name (a MeshService's Deployment, Service and ServiceAccount) would share one path. It
 * records the objects the app assumes to exist outside its manifests too (see `assumeObjects`).
 * @internal
 */
export function recordConstructPaths(root: IConstruct): void {
  if (!(root instanceof App)) return;
  root.node.addValidation({
    validate: () => {
      if (process.env.CDK8S_RECORD_CONSTRUCT_METADATA !== 'true') return [];
      const objects: RecordedPath[] = root.node.findAll().filter(ApiObject.isApiObject)
        .map((o) => ({ kind: o.kind, namespace: o.metadata.namespace, name: o.name, path: o.node.path }));
      mkdirSync(root.outdir, { recursive: true });
      writeFileSync(join(root.outdir, PATHS_FILE), JSON.stringify({ version: 1, objects, assumed: assumedObjects(root) }));
      return [];
    },
  });
}
