// A body filter three ways, for the memory tests (test/sdk/body-memory.test.ts). The plugin
// configuration picks the path:
// - "bytes": the body as bytes, upper-cased in place, written back, logged with logBytes;
// - "string": the same through strings (getText, toUpperCase, replaceText, log of a concatenation);
// - "chunks": the body read 64 KiB at a time into one reused buffer; logs its size and a checksum.
export * from "proxy-wasm-as/assembly/proxy";
import {
  Action, HttpContext, LogLevel, PluginContext, getPluginConfigurationText, logBytes, logInfo, registerPlugin, requestBody,
} from "proxy-wasm-as/assembly";

class LeanBody extends HttpContext {
  constructor(contextId: u32, private mode: string, private chunk: ArrayBuffer) { super(contextId); }

  onRequestBody(bodySize: usize, endOfStream: bool): Action {
    if (!endOfStream) return Action.Pause;
    if (this.mode == "bytes") {
      const body = requestBody.get();
      if (body === null) return Action.Continue;
      const p = changetype<usize>(body);
      for (let i: usize = 0, n = <usize>body.byteLength; i < n; i++) {
        const c = load<u8>(p + i);
        if (<u32>c - 97 < 26) store<u8>(p + i, c - 32);
      }
      requestBody.replace(body);
      logBytes(LogLevel.Info, "body: ", body);
    } else if (this.mode == "string") {
      const upper = requestBody.getText().toUpperCase();
      requestBody.replaceText(upper);
      logInfo("body: " + upper);
    } else {
      let total: usize = 0;
      let sum: u32 = 0;
      const chunk = this.chunk;
      for (let n = requestBody.readInto(0, chunk); n != 0; n = requestBody.readInto(total, chunk)) {
        for (let i: usize = 0; i < n; i++) sum = sum * 31 + load<u8>(changetype<usize>(chunk) + i);
        total += n;
      }
      logInfo("chunks: " + total.toString() + " bytes, checksum " + sum.toString());
    }
    return Action.Continue;
  }
}

class LeanBodyPlugin extends PluginContext {
  mode: string = "bytes";
  chunk: ArrayBuffer = new ArrayBuffer(64 * 1024);

  onPluginStart(configurationSize: usize): bool {
    this.mode = getPluginConfigurationText();
    return this.mode == "bytes" || this.mode == "string" || this.mode == "chunks";
  }

  newHttpContext(contextId: u32): HttpContext { return new LeanBody(contextId, this.mode, this.chunk); }
}

registerPlugin((contextId: u32): PluginContext => new LeanBodyPlugin(contextId));
