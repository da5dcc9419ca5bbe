/**
 * Reads a V8 CPU profile (`node --cpu-prof`, what `npm run bench -- --cpu-prof` gives each
 * Switchyard process) and says where the busy time went: by function and by area (a
 * Switchyard source module of the built CLI, an npm package, Node itself, GC).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface ProfileRow {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  /** Sampled time that was not idle, ms. */
  busyMs: number;
  functions: ProfileRow[];
  areas: ProfileRow[];
}

/** The built CLI marks each bundled source module with a `// src/…` comment line: line number → module. */
function moduleLines(bundlePath: string): { line: number; module: string }[] {
  const marks: { line: number; module: string }[] = [];
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const match = /^\/\/ (src\/\S+)$/.exec(text);
      if (match?.[1]) marks.push({ line: index, module: match[1] });
    });
  return marks;
}

function areaOf(url: string, line: number, bundleUrl: string, marks: { line: number; module: string }[]): string {
  if (url === '') return 'V8 / native';
  if (url.startsWith('node:')) return 'Node core';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.endsWith(bundleUrl)) {
    let module = 'out/cli';
    for (const mark of marks) if (mark.line <= line) module = mark.module;
    return module;
  }
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(profilePath: string, bundlePath: string, top = 25): ProfileSummary {
  const profile = profileSchema.parse(JSON.parse(readFileSync(profilePath, 'utf8')));
  const marks = moduleLines(bundlePath);
  const bundleUrl = bundlePath.split('/').slice(-3).join('/');
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const us = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busyUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = functionName === '(garbage collector)' ? 'GC' : areaOf(url, lineNumber, bundleUrl, marks);
    const name = `${functionName || '(anonymous)'} — ${area}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  });
  const rows = (map: Map<string, number>): ProfileRow[] =>
    [...map.entries()]
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs === 0 ? 0 : us / busyUs }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top);
  return { busyMs: busyUs / 1000, functions: rows(byFunction), areas: rows(byArea) };
}

export function renderProfile(title: string, summary: ProfileSummary): string {
  const table = (heading: string, rows: ProfileRow[]) => [
    `| ${heading} | self ms | share of busy time |`,
    '| --- | ---: | ---: |',
    ...rows.map((row) => `| ${row.name.replaceAll('|', '\\|')} | ${row.selfMs.toFixed(0)} | ${(row.share * 100).toFixed(1)} % |`),
  ];
  return [`### ${title}`, '', `Busy (not idle) time sampled: ${summary.busyMs.toFixed(0)} ms.`, '', ...table('Area', summary.areas), '', ...table('Function', summary.functions), ''].join('\n');
}
