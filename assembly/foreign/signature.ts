// Envoy's verify_signature: checks `signature` over `text` with a public key (DER
// SubjectPublicKeyInfo, or PEM on Envoy versions that take public_key_pem) and a hash
// ("sha256", ...). Arguments and result are protobuf (VerifySignatureArguments,
// VerifySignatureResult). Newer Envoy also has `sign` (SignArguments → SignResult): a
// signature with a private key (DER PKCS#8, or PEM).
import { callForeignFunction } from "../foreign-function";
import { Status } from "../types";
import { parseProto, ProtoWriter } from "./protobuf";

export class SignatureCheck {
  constructor(
    /** OK when Envoy checked; BAD_ARGUMENT for an unreadable key; the host's status otherwise. */
    public readonly status: Status,
    /** The signature is valid (false whenever status is not OK). */
    public readonly valid: bool,
    /** Why it is not valid, as Envoy words it ("" when valid). */
    public readonly error: string,
  ) {}
}

/** Verifies with a DER public key. */
export function verifySignature(hashFunction: string, publicKeyDer: ArrayBuffer, signature: ArrayBuffer,
  text: ArrayBuffer): SignatureCheck {
  return check(new ProtoWriter().string(1, hashFunction).bytes(2, publicKeyDer).bytes(3, signature).bytes(4, text).finish());
}

/** Verifies with a PEM public key ("-----BEGIN PUBLIC KEY-----..."). */
export function verifySignaturePem(hashFunction: string, publicKeyPem: string, signature: ArrayBuffer,
  text: ArrayBuffer): SignatureCheck {
  return check(new ProtoWriter().string(1, hashFunction).bytes(3, signature).bytes(4, text).string(5, publicKeyPem).finish());
}

function check(args: ArrayBuffer): SignatureCheck {
  const call = callForeignFunction("verify_signature", args);
  if (call.status != Status.Ok) return new SignatureCheck(call.status, false, "");
  const results = call.results;
  const fields = parseProto(results === null ? new ArrayBuffer(0) : results);
  if (fields === null) return new SignatureCheck(Status.SerializationFailure, false, "unreadable result");
  let valid = false;
  let error = "";
  for (let i = 0; i < fields.length; i++) {
    const f = unchecked(fields[i]);
    if (f.field == 1) valid = f.varint != 0;
    else if (f.field == 2 && f.bytes !== null) error = String.UTF8.decode(<ArrayBuffer>f.bytes);
  }
  return new SignatureCheck(Status.Ok, valid, error);
}

export class SignResult {
  constructor(
    /** OK when Envoy tried; BAD_ARGUMENT for an unreadable key; the host's status otherwise (NOT_FOUND before Envoy had `sign`). */
    public readonly status: Status,
    /** The signature, when signing worked (null otherwise). */
    public readonly signature: ArrayBuffer | null,
    /** Why signing failed, as Envoy words it ("" when it worked). */
    public readonly error: string,
  ) {}
}

/** Signs `text` with a DER (PKCS#8) private key. */
export function sign(hashFunction: string, privateKeyDer: ArrayBuffer, text: ArrayBuffer): SignResult {
  return signWith(new ProtoWriter().string(1, hashFunction).bytes(2, privateKeyDer).bytes(3, text).finish());
}

/** Signs `text` with a PEM private key ("-----BEGIN PRIVATE KEY-----..."). */
export function signPem(hashFunction: string, privateKeyPem: string, text: ArrayBuffer): SignResult {
  return signWith(new ProtoWriter().string(1, hashFunction).bytes(3, text).string(4, privateKeyPem).finish());
}

function signWith(args: ArrayBuffer): SignResult {
  const call = callForeignFunction("sign", args);
  if (call.status != Status.Ok) return new SignResult(call.status, null, "");
  const results = call.results;
  const fields = parseProto(results === null ? new ArrayBuffer(0) : results);
  if (fields === null) return new SignResult(Status.SerializationFailure, null, "unreadable result");
  let ok = false;
  let signature: ArrayBuffer | null = null;
  let error = "";
  for (let i = 0; i < fields.length; i++) {
    const f = unchecked(fields[i]);
    if (f.field == 1) ok = f.varint != 0;
    else if (f.field == 2) signature = f.bytes;
    else if (f.field == 3 && f.bytes !== null) error = String.UTF8.decode(<ArrayBuffer>f.bytes);
  }
  return new SignResult(Status.Ok, ok ? (signature === null ? new ArrayBuffer(0) : signature) : null, error);
}
