/**
 * One port, two threads accepting on it: a second descriptor of a listening socket, which a
 * worker thread can listen on (`listen({ fd })`) and close without touching the first.
 *
 * Node 20 has no SO_REUSEPORT for TCP servers, and a worker thread that listened on the main
 * thread's own descriptor would close it under the main thread (libuv aborts). A descriptor is
 * duplicated the way Node passes servers between processes: sent to a short-lived child
 * process over its IPC channel (the kernel duplicates it there) and sent back (duplicated again,
 * into this process). The child never listens on it: a raw handle is neither accepted on nor
 * wrapped in a net.Server on either side.
 *
 * Invariant (SP1): the descriptor returned refers to the same listening socket as `server`'s,
 * and is distinct from it; its owner (the thread that listens on it) closes it.
 */
import { spawn } from 'node:child_process';
import type { Server } from 'node:net';

/** How long the duplicating child may take before the start fails. */
const DUPLICATE_TIMEOUT_MS = 10_000;

const CHILD = `process.once('message', (m, handle) => {
  process.send('back', handle, () => process.disconnect());
});`;

/** The internal handle of a net.Server (Node's own, which child_process can send). */
interface ServerHandle {
  readonly fd: number;
}

/** SP1: a second descriptor of `server`'s listening socket (Linux and macOS). */
export async function duplicateListeningSocket(server: Server): Promise<number> {
  const handle = (server as unknown as { _handle: ServerHandle | null })._handle;
  if (handle === null || typeof handle.fd !== 'number' || handle.fd < 0) {
    throw new Error('the server does not listen on a descriptor of its own');
  }
  const child = spawn(process.execPath, ['-e', CHILD], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const back = await new Promise<ServerHandle>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('duplicating the listening socket timed out')),
        DUPLICATE_TIMEOUT_MS,
      );
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the duplicating child exited with ${code}`)));
      child.once('message', (_message, returned) => {
        clearTimeout(timer);
        resolve(returned as unknown as ServerHandle);
      });
      child.send('dup', handle as never);
    });
    if (typeof back.fd !== 'number' || back.fd < 0 || back.fd === handle.fd) {
      throw new Error('SP1: no distinct descriptor came back');
    }
    return back.fd;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
