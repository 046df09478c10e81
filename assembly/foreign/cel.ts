// Envoy's CEL expressions: expr_create compiles an expression (e.g.
// `request.headers['x-id'] == 'a' && source.port > 1024`) into a token kept by the plugin,
// expr_evaluate runs it against the current stream's attributes and returns the value
// serialized as a property is (string raw, int 8 bytes, bool 1 byte), expr_delete frees it.
// Envoy builds these only with its CEL parser (WASM_USE_CEL_PARSER); elsewhere the status says so.
import { callForeignFunction, ForeignCallResult } from "../foreign-function";
import { Status } from "../types";

export class Expression {
  constructor(
    /** OK; BAD_ARGUMENT when the expression does not parse or compile; the host's status otherwise. */
    public readonly status: Status,
    /** The token for evaluateExpression / deleteExpression (valid when status is OK). */
    public readonly token: u32,
  ) {}
}

function tokenArgs(token: u32): ArrayBuffer {
  const args = new ArrayBuffer(4);
  store<u32>(changetype<usize>(args), token);
  return args;
}

/** Compiles `expression`. Create once (onPluginStart), evaluate per stream. */
export function createExpression(expression: string): Expression {
  const call = callForeignFunction("expr_create", String.UTF8.encode(expression));
  const results = call.results;
  if (call.status != Status.Ok || results === null || results.byteLength != 4) {
    return new Expression(call.status == Status.Ok ? Status.SerializationFailure : call.status, 0);
  }
  return new Expression(Status.Ok, load<u32>(changetype<usize>(results)));
}

/**
 * The expression's value for the current context: OK with the value's bytes; NOT_FOUND for an
 * unknown token; INTERNAL_FAILURE when evaluation fails (a missing attribute, overflow, ...).
 */
export function evaluateExpression(token: u32): ForeignCallResult {
  return callForeignFunction("expr_evaluate", tokenArgs(token));
}

/** A boolean expression's value; `fallback` when it cannot be evaluated or is not a bool. */
export function evaluateExpressionBool(token: u32, fallback: bool = false): bool {
  const call = evaluateExpression(token);
  const results = call.results;
  if (call.status != Status.Ok || results === null || results.byteLength != 1) return fallback;
  return load<u8>(changetype<usize>(results)) != 0;
}

/** An integer expression's value; `fallback` when it cannot be evaluated or is not 8 bytes. */
export function evaluateExpressionInt(token: u32, fallback: i64 = -1): i64 {
  const call = evaluateExpression(token);
  const results = call.results;
  if (call.status != Status.Ok || results === null || results.byteLength != 8) return fallback;
  return load<i64>(changetype<usize>(results));
}

/** A string expression's value; null when it cannot be evaluated. */
export function evaluateExpressionString(token: u32): string | null {
  const call = evaluateExpression(token);
  const results = call.results;
  if (call.status != Status.Ok) return null;
  return results === null ? "" : String.UTF8.decode(results);
}

/** Frees the expression; OK (also for an unknown token), or the host's status. */
export function deleteExpression(token: u32): Status {
  return callForeignFunction("expr_delete", tokenArgs(token)).status;
}
