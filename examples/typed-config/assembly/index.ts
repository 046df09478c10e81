export * from "proxy-wasm-as/assembly/proxy";
// Adds the configured headers to every request and answers requests under a denied path prefix
// itself, with its configuration declared as classes (json-as's @json) and read in one call.
//
// Configuration (JSON):
//   {"headers": [{"name": "x-team", "value": "payments"}], "denyPrefixes": ["/admin"], "denyStatus": 403}
// Every key is optional but a header's "name". A configuration that is not JSON, or has a value
// of the wrong type (a string for denyStatus, 700 for it, a header without a name), makes the
// plugin fail to start with an error log line naming the byte or the field.
import {
  Action,
  HttpContext,
  PluginContext,
  registerPlugin,
  requestHeaders,
  sendLocalResponseText,
} from "proxy-wasm-as/assembly";
import { parsePluginConfiguration } from "proxy-wasm-as/assembly/typed-config";


@json
class HeaderToAdd {
  name!: string;
  value: string = "";
}


@json
class Config {
  headers: HeaderToAdd[] = [];
  denyPrefixes: string[] = [];
  denyStatus: u16 = 403;
}

class TypedConfigPlugin extends PluginContext {
  config: Config = new Config();

  onPluginStart(configurationSize: usize): bool {
    const config = parsePluginConfiguration<Config>();
    if (config === null) return false; // the SDK logged which byte or field is wrong
    this.config = config;
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new TypedConfigStream(contextId, this.config);
  }
}

class TypedConfigStream extends HttpContext {
  constructor(
    id: u32,
    private config: Config,
  ) {
    super(id);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const path = requestHeaders.get(":path");
    const prefixes = this.config.denyPrefixes;
    for (let i = 0; path !== null && i < prefixes.length; i++) {
      if (path.startsWith(prefixes[i])) {
        sendLocalResponseText(this.config.denyStatus, "typed_config_denied", "denied\n");
        return Action.Pause;
      }
    }
    const headers = this.config.headers;
    for (let i = 0; i < headers.length; i++) requestHeaders.replace(headers[i].name, headers[i].value);
    return Action.Continue;
  }
}

registerPlugin((id: u32) => new TypedConfigPlugin(id));
