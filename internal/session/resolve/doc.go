// Package resolve turns a profile into credentials. A Resolver looks in
// the session cache first and hands out an entry with at least the floor
// (MinRemaining) left; otherwise it takes the cache key's lock, looks
// again (another process may have fetched meanwhile), fetches, checks the
// floor, and caches what it got. A fetch is, by what the profile is:
//
//   - an IAM user's profile: GetSessionToken with its stored key (and an
//     MFA code, asked once per session window), the session shared by
//     every role of that source;
//   - a role: AssumeRole signed with its source's cached session, or with
//     the key itself and its own code when the role session is to outlast
//     the hour STS allows a session-signed AssumeRole;
//   - a web identity or SAML role: AssumeRoleWithWebIdentity/SAML with a
//     token read at that moment, cached under where the token comes from
//     and, for a token or assertion file, whom the token in it is for
//     (issuer, subject, audience; an assertion's issuer, subject and
//     role), never the token: the file is read on every call, so a token
//     for another subject, or none, is never served another's entry;
//   - an IAM Identity Center profile: GetRoleCredentials with the
//     session's stored token (package identitycenter), cached under the
//     session, account and role, never the token.
//
// What a fetch may ask — an MFA code, an identity token, Identity Center
// — the Resolver is given as functions it calls only then, so a cache hit
// asks none of them. STS's refusals are explained in terms of the user's
// setup (explain.go). Tools gets credentials for any profile as the AWS
// tools would (a foreign credential_process is run), and for what a
// `stscred role`/`stscred session` call asks (a credline.Request);
// Federation is GetFederationToken's session of an IAM user, for the
// console.
package resolve
