import type { BackendInfo } from '@steerable/gpu-kernels';
import { steerableVersions } from '../commands/versions.js';
import type { RunDirectory } from './run-directory.js';

/** Appends this process's session to the run's sessions.jsonl (reports show the backend and threads from it). */
export async function recordSession(run: RunDirectory, backend: BackendInfo, resumedFrom: string | null): Promise<void> {
  await run.recordSession({
    started_at: new Date().toISOString(),
    backend: backend.backend,
    threads: backend.threads,
    steerable_kernels: backend.steerable_kernels,
    resumed_from: resumedFrom,
    versions: { ...steerableVersions(), '@tensorflow/tfjs': backend.tfjs_version, node: backend.node_version },
  });
}
