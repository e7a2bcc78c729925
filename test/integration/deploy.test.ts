// The container and Kubernetes files agree with the capabilities they serve: every adapter port is declared by the
// Deployment, the Service and compose; probes hit the control adapter's health endpoints; the Secret carries every
// bound variable; the ConfigMap of capability files is mounted where the Deployment serves it with --watch; the
// image runs node as PID 1 as a non-root user with production dependencies only, and its HEALTHCHECK (run here
// against a served adapter) probes /health/ready on an adapter's own port, since compose serves no control adapter.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../src/prepare.js';
import { planAdapters } from '../../src/runtime.js';
import { ROOT } from '../helpers/cli.js';
import { serveCapability } from '../helpers/runtime.js';

const K8S = join(ROOT, 'deploy', 'kubernetes');

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: Record<string, any>;
  stringData?: Record<string, string>;
}

async function manifests(): Promise<Manifest[]> {
  const files = (await readdir(K8S)).filter((f) => f.endsWith('.yaml') && f !== 'control.yaml' && f !== 'kustomization.yaml');
  const docs = await Promise.all(files.map(async (f) => parseAllDocuments(await readFile(join(K8S, f), 'utf8')).map((d) => d.toJS() as Manifest)));
  return docs.flat();
}

interface ConfigMapGenerator {
  name: string;
  files: string[];
  options?: { disableNameSuffixHash?: boolean };
}

/** Every YAML file under capabilities/, relative (`shared/stigg.yaml`). */
async function capabilityFiles(): Promise<string[]> {
  const entries = await readdir(join(ROOT, 'capabilities'), { recursive: true });
  return entries.filter((f) => /\.ya?ml$/.test(f)).map((f) => f.split(sep).join('/'));
}

async function plannedPorts(): Promise<Map<number, string>> {
  const prepared = await prepareCapabilities([join(ROOT, 'capabilities'), join(K8S, 'control.yaml')], { env: {} });
  expect(prepared.ok).toBe(true);
  return new Map(planAdapters(prepared.capabilities).map((a) => [a.port, `${a.type} ${a.namespace}`]));
}

describe('deployment files', () => {
  it('the Kubernetes manifests parse and hold a Namespace, Deployment, Service, HorizontalPodAutoscaler and an example Secret', async () => {
    const kinds = (await manifests()).map((m) => m.kind).sort();
    expect(kinds).toStrictEqual(['Deployment', 'HorizontalPodAutoscaler', 'Namespace', 'Secret', 'Service']);
    const kustomization = parse(await readFile(join(K8S, 'kustomization.yaml'), 'utf8')) as { resources: string[]; configMapGenerator: { files: string[] }[] };
    // A file, or a folder holding a kustomization (the capability files' ConfigMap).
    for (const resource of kustomization.resources) await readFile(resource.endsWith('.yaml') ? join(K8S, resource) : join(K8S, resource, 'Kustomization'), 'utf8');
    expect(kustomization.configMapGenerator[0]!.files).toStrictEqual(['control.yaml']);
  });

  it('the Deployment exposes every adapter port, probes the control adapter, and runs several non-root replicas with resource requests', async () => {
    const ports = await plannedPorts();
    const deployment = (await manifests()).find((m) => m.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBeGreaterThan(1);
    const container = deployment.spec.template.spec.containers[0];
    const declared = new Map<string, number>(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
    expect([...declared.values()].sort()).toStrictEqual([...ports.keys()].sort());
    // The control adapter when the Deployment serves one (its readiness covers every adapter), else an adapter's own port.
    const control = [...ports].find(([, what]) => what.startsWith('control'))?.[0];
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const port = declared.get(container[probe].httpGet.port);
      if (control !== undefined) expect(port, probe).toBe(control);
      else expect(ports.get(port!), probe).toMatch(/^(rest|mcp|skill) /);
    }
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.args).toStrictEqual(['serve', '/etc/capability/files', '/etc/capability/control/control.yaml', '--host', '0.0.0.0', '--watch']);
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('the ConfigMap capability-files holds every capability file and is mounted whole where the Deployment serves it with --watch', async () => {
    // The generator (capabilities/Kustomization) is included by deploy/kubernetes and names every file of capabilities/.
    const root = parse(await readFile(join(K8S, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(root.resources).toContain('../../capabilities');
    const generator = (parse(await readFile(join(ROOT, 'capabilities', 'Kustomization'), 'utf8')) as { configMapGenerator: ConfigMapGenerator[] }).configMapGenerator.find((g) => g.name === 'capability-files')!;
    // No name hash: an edited ConfigMap is updated in place and reloaded by --watch rather than rolling the pods.
    expect(generator.options?.disableNameSuffixHash).toBe(true);
    const sources = new Map(generator.files.map((f) => (f.includes('=') ? (f.split('=') as [string, string]) : [f, f])));
    expect([...sources.values()].sort()).toStrictEqual((await capabilityFiles()).sort());

    const deployment = (await manifests()).find((m) => m.kind === 'Deployment')!;
    const pod = deployment.spec.template.spec;
    const volume = pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === 'capability-files');
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === volume.name);
    expect(mount.subPath).toBeUndefined(); // a subPath mount is never updated by the kubelet
    expect(pod.containers[0].args).toContain(mount.mountPath);
    expect(pod.containers[0].args).toContain('--watch');
    // Every key is projected back to the path it came from, so imports such as ./shared/stigg.yaml resolve.
    const items = new Map<string, string>(volume.configMap.items.map((i: { key: string; path: string }) => [i.key, i.path]));
    expect([...items.keys()].sort()).toStrictEqual([...sources.keys()].sort());
    for (const [key, path] of items) expect(path, key).toBe(sources.get(key));

    // The mounted layout, rebuilt in a folder, prepares cleanly.
    const mounted = await mkdtemp(join(tmpdir(), 'cap-configmap-'));
    try {
      for (const [key, path] of items) {
        await mkdir(dirname(join(mounted, path)), { recursive: true });
        await copyFile(join(ROOT, 'capabilities', sources.get(key)!), join(mounted, path));
      }
      const prepared = await prepareCapabilities([mounted], { env: {} });
      expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
      expect(prepared.capabilities.length).toBe((await capabilityFiles()).filter((f) => !f.includes('/')).length);
    } finally {
      await rm(mounted, { recursive: true, force: true });
    }
  });

  it('the Service routes every business port, and the Secret names every bound variable of the shipped capabilities', async () => {
    const ports = await plannedPorts();
    const all = await manifests();
    const service = all.find((m) => m.kind === 'Service')!;
    const business = [...ports].filter(([, what]) => !what.startsWith('control')).map(([port]) => port).sort();
    expect(service.spec.ports.map((p: { port: number }) => p.port).sort()).toStrictEqual(business);
    const secret = all.find((m) => m.kind === 'Secret')!;
    const bound = new Set<string>();
    for (const file of (await readdir(join(ROOT, 'capabilities'))).filter((f) => f.endsWith('.yaml'))) {
      const doc = parse(await readFile(join(ROOT, 'capabilities', file), 'utf8')) as { binds?: { keys: Record<string, string> }[] };
      for (const bind of doc.binds ?? []) for (const key of Object.values(bind.keys)) bound.add(key);
    }
    expect(Object.keys(secret.stringData!).sort()).toStrictEqual([...bound].sort());
  });

  it('the Dockerfile builds in two stages and runs node as PID 1 as the node user, without npx; compose publishes every port on loopback', async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/capability\.js"\]$/m);
    expect(dockerfile).not.toMatch(/npx/);
    // The build stage runs `npm run build` (through npm ci's prepare): every script it calls must be in the image.
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } };
    for (const [, script] of scripts.build.matchAll(/node (scripts\/\S+)/g)) expect(dockerfile).toContain(`COPY ${script} `);
    const compose = parse(await readFile(join(ROOT, 'compose.yaml'), 'utf8')) as { services: { capability: { ports: string[]; volumes: string[] } } };
    const published = compose.services.capability.ports.flatMap((spec) => {
      const [, from, to] = /^127\.0\.0\.1:(\d+)(?:-(\d+))?:/.exec(spec)!;
      const first = Number(from);
      return Array.from({ length: Number(to ?? from) - first + 1 }, (_, i) => first + i);
    });
    const business = [...(await plannedPorts())].filter(([, what]) => !what.startsWith('control')).map(([port]) => port);
    expect(published.sort()).toStrictEqual(business.sort());
    expect(compose.services.capability.volumes).toContain('./capabilities:/capabilities:ro');
  });

  it("the image's HEALTHCHECK probes /health/ready on a shipped adapter's port; run against a served adapter it passes, then fails once stopped", async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    const port = Number(/^ENV HEALTH_PORT=(\d+)$/m.exec(dockerfile)?.[1]);
    expect((await plannedPorts()).get(port)).toMatch(/^(rest|mcp|skill) /);
    const command = JSON.parse(/^HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(command.slice(0, 2)).toStrictEqual(['node', '-e']);
    expect(command[2]).toContain('/health/ready');
    // The same command against a REST adapter served on a free port, told by HEALTH_PORT.
    const served = await serveCapability(join(ROOT, 'test', 'fixtures', 'ops', 'health-probes.yaml'), { env: {}, upstreamUrl: 'http://127.0.0.1:9' });
    const health = (p: number) => promisify(execFile)(process.execPath, ['-e', command[2]!], { env: { HEALTH_PORT: String(p) } }).then(() => 0, (err: { code?: number }) => err.code ?? 1);
    const restPort = served.adapters.find((a) => a.namespace === 'notes-api')!.port;
    try {
      expect(await health(restPort)).toBe(0);
    } finally {
      await served.close();
    }
    expect(await health(restPort)).toBe(1);
  });
});
