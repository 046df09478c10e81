// HS256 tokens for the jwt-auth tests, signed with Node's crypto (the filter's own code is what
// is under test, so the token is made independently of it).
import { createHmac } from "node:crypto";

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export function signHs256(secret: string, claims: object): string {
  const signed = `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}`;
  return `${signed}.${createHmac("sha256", secret).update(signed).digest("base64url")}`;
}
