// A worker thread of scripts/build-examples.mjs: compiles the filters it is sent, one at a time
// (asc's transforms keep per-compile state), through asc's API. A worker cannot change
// directory, so each build names its directory as asc's --baseDir, which asc resolves the
// config, the entry and the output against as it would the working directory.
import asc from "assemblyscript/asc";
import { parentPort } from "node:worker_threads";
import { recordingReader } from "./build-inputs.mjs";

parentPort.on("message", async (job) => {
  const inputs = {};
  let error = "";
  try {
    const { error: failure, stderr } = await asc.main([...job.args, "--baseDir", job.cwd], {
      stdout: { write() {} },
      readFile: recordingReader(inputs),
    });
    const text = stderr.toString().trim();
    if (failure) error = `${failure.message}\n${text}`;
  } catch (e) {
    error = String(e?.stack ?? e);
  }
  parentPort.postMessage({ label: job.label, error, inputs });
});
