/**
 * The part of ModSecurity's recommended base configuration (`modsecurity.conf-recommended`) that the OWASP CRS
 * relies on, written as SecLang from ModSecurity's documented semantics. Loaded before the user's SecLang files
 * unless `rules.seclangBase` is false (for users who load their own `modsecurity.conf`).
 *
 * - 200000 / 200001 / 200006: pick the XML or JSON body processor from the Content-Type (phase 1), which is how
 *   ModSecurity learns to parse those bodies at all; CRS reads XML:/* and JSON arguments through them.
 * - 200002: a body the processor could not parse (REQBODY_ERROR) is refused with 400, with the parser's message.
 * - 200003: multipart bodies that fail strict validation (MULTIPART_STRICT_ERROR), with the flag summary.
 * - 200004: a multipart boundary-like line that does not match the declared boundary.
 * - 200007: more arguments than the engine collects (`SecArgumentsLimit`, here the 1000 of the base config).
 * - 200005: engine internal errors flagged in TX:MSC_* (kept for configurations that set them).
 *
 * With `SecRuleEngine DetectionOnly` (or `mode: 'detect'`) these only report, like every other deny.
 */
export const BASE_CONFIG_NAME = '<portcullis:modsecurity-base>';

export const BASE_CONFIG_TEXT = `
SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\\+|/)|text/)xml" \\
    "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"

SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" \\
    "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"

SecRule REQUEST_HEADERS:Content-Type "@rx ^application/[a-z0-9.-]+[+]json" \\
    "id:200006,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"

SecRule &ARGS "@ge 1000" \\
    "id:200007,phase:2,t:none,log,deny,status:400,severity:2,\\
    msg:'Failed to fully parse request body due to large argument count'"

SecRule REQBODY_ERROR "!@eq 0" \\
    "id:200002,phase:2,t:none,log,deny,status:400,severity:2,\\
    msg:'Failed to parse request body.',logdata:'%{reqbody_error_msg}'"

SecRule MULTIPART_STRICT_ERROR "!@eq 0" \\
    "id:200003,phase:2,t:none,log,deny,status:400,\\
    msg:'Multipart request body failed strict validation: \\
PE %{REQBODY_PROCESSOR_ERROR}, \\
BQ %{MULTIPART_BOUNDARY_QUOTED}, \\
BW %{MULTIPART_BOUNDARY_WHITESPACE}, \\
DB %{MULTIPART_DATA_BEFORE}, \\
DA %{MULTIPART_DATA_AFTER}, \\
HF %{MULTIPART_HEADER_FOLDING}, \\
LF %{MULTIPART_LF_LINE}, \\
SM %{MULTIPART_MISSING_SEMICOLON}, \\
IQ %{MULTIPART_INVALID_QUOTING}, \\
IP %{MULTIPART_INVALID_PART}, \\
IH %{MULTIPART_INVALID_HEADER_FOLDING}, \\
FL %{MULTIPART_FILE_LIMIT_EXCEEDED}'"

SecRule MULTIPART_UNMATCHED_BOUNDARY "@eq 1" \\
    "id:200004,phase:2,t:none,log,deny,status:400,msg:'Multipart parser detected a possible unmatched boundary.'"

SecRule TX:/^MSC_/ "!@streq 0" \\
    "id:200005,phase:2,t:none,log,deny,status:500,msg:'ModSecurity internal error flagged: %{MATCHED_VAR_NAME}'"
`;
