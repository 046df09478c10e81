// An asc transform used by the SDK's asconfig.json: warns when a context class defines a
// method named like another SDK's callback (the Rust SDK's on_configure, the C++ SDK's
// onConfigure, the Go SDK's OnHttpRequestHeaders, a TCP callback on an HTTP context...), which
// this SDK never calls, and names the one it does call. AssemblyScript has no `override` check,
// so such a method compiles and is silently dead; and the optimizer drops it from the .wasm, so
// only the source shows it (`check` cannot see it in the binary).

/** The SDK's context classes and the callbacks each gets (inherited ones included). */
const CONTEXT = [
  "onHttpCallResponse",
  "onGrpcReceiveInitialMetadata",
  "onGrpcReceive",
  "onGrpcReceiveTrailingMetadata",
  "onGrpcClose",
];
export const CALLBACKS = {
  VMContext: ["onVmStart"],
  PluginContext: [...CONTEXT, "onPluginStart", "onPluginDone", "onTick", "onQueueReady", "onForeignFunction"],
  HttpContext: [
    ...CONTEXT,
    "onRequestHeaders",
    "onRequestBody",
    "onRequestTrailers",
    "onResponseHeaders",
    "onResponseBody",
    "onResponseTrailers",
    "onStreamDone",
    "onLog",
  ],
  TcpContext: [
    ...CONTEXT,
    "onNewConnection",
    "onDownstreamData",
    "onDownstreamClose",
    "onUpstreamData",
    "onUpstreamClose",
    "onStreamDone",
    "onLog",
  ],
};

// Other SDKs' callback names, lower case without underscores, and what this SDK calls instead
// (per context class; a name valid in one class is a mistake in another).
const HTTP = {
  onhttprequestheaders: "onRequestHeaders",
  onhttprequestbody: "onRequestBody",
  onhttprequesttrailers: "onRequestTrailers",
  onhttpresponseheaders: "onResponseHeaders",
  onhttpresponsebody: "onResponseBody",
  onhttpresponsetrailers: "onResponseTrailers",
  onhttpstreamdone: "onStreamDone",
  ondone: "onStreamDone",
  ondelete: "onStreamDone",
};
const PLUGIN = {
  onconfigure: "onPluginStart",
  onstart: "onPluginStart",
  onvmstart: "onPluginStart (onVmStart is a VMContext's)",
  ondone: "onPluginDone",
  ondelete: "onPluginDone",
};
const ALIASES = {
  VMContext: {
    onconfigure: "onVmStart",
    onstart: "onVmStart",
    onpluginstart: "onVmStart (onPluginStart is a PluginContext's)",
  },
  PluginContext: PLUGIN,
  HttpContext: HTTP,
  TcpContext: { ondone: "onStreamDone", ondelete: "onStreamDone" },
};
const GRPC = { ongrpccallresponse: "onGrpcReceive / onGrpcClose", ongrpcstreammessage: "onGrpcReceive" };

/** table[key], never an Object.prototype member ("constructor"). */
const own = (table, key) => (Object.hasOwn(table, key) ? table[key] : undefined);
const a = (cls) => (cls === "HttpContext" ? `an ${cls}` : `a ${cls}`);

/** Which class of the SDK `name` belongs to, when one calls it. */
function ownerOf(normalized) {
  for (const [cls, names] of Object.entries(CALLBACKS))
    if (names.some((n) => n.toLowerCase() === normalized)) return cls;
  return null;
}

/**
 * The warning for method `method` of a class derived from the SDK's `base`, or null when this
 * SDK calls it or it is not named like any SDK's callback (a helper of the filter's own).
 */
export function misnamedCallback(base, method) {
  if (CALLBACKS[base].includes(method)) return null;
  const normalized = method.toLowerCase().replace(/_/g, "");
  const right =
    own(ALIASES[base], normalized) ??
    own(GRPC, normalized) ??
    CALLBACKS[base].find((n) => n.toLowerCase() === normalized);
  if (right) return `${method} is not a callback of this SDK (another SDK's name?): ${a(base)} gets ${right}`;
  const owner = ownerOf(normalized) ?? (own(HTTP, normalized) ? "HttpContext" : null);
  if (owner && owner !== base) return `${method} is ${a(owner)} callback: ${a(base)} never gets it`;
  return null;
}

/** Class declarations of one source, including those inside namespaces. */
function* classes(statements) {
  for (const s of statements) {
    if (s && Array.isArray(s.members) && s.name && "extendsType" in s) yield s;
    else if (s && Array.isArray(s.members)) yield* classes(s.members); // namespace
  }
}

export default class CallbackNames {
  afterParse(parser) {
    const user = parser.sources.filter((s) => !s.internalPath.startsWith("~lib/"));
    const decls = user.flatMap((source) => [...classes(source.statements)].map((decl) => ({ source, decl })));
    const parentOf = new Map(
      decls.map(({ decl }) => [decl.name.text, decl.extendsType?.name?.identifier?.text ?? null]),
    );
    // The SDK class a user class derives from, through the user's own classes.
    const baseOf = (name) => {
      for (let n = name, depth = 0; n && depth < 32; n = parentOf.get(n), depth++)
        if (n in CALLBACKS && !parentOf.has(n)) return n;
      return null;
    };
    for (const { source, decl } of decls) {
      const base = baseOf(decl.extendsType?.name?.identifier?.text);
      if (!base) continue;
      for (const m of decl.members) {
        if (!m.name || typeof m.name.text !== "string" || !m.signature) continue; // methods only
        const warning = misnamedCallback(base, m.name.text);
        if (!warning) continue;
        const line = source.lineAt(m.range.start);
        this.stderr?.write?.(
          `WARNING proxy-wasm-as: ${source.normalizedPath}:${line}: class ${decl.name.text}: ${warning}\n`,
        );
      }
    }
  }
}
