/*
 * SIPp 3.6 scenarios for the SIP edge's tests and benchmark, written as code so each test can ask
 * for the final code it expects (SIPp wants status codes literal in the XML). Both sides honour
 * Record-Route (the stock uac/uas do not, and then Kamailio never sees the BYE: see
 * ../shared/reference/kamailio-edge.md §8).
 */

const SDP = `v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
`;

const invite = (cseq: number, auth: boolean) => `  <send retrans="500">
    <![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[ani]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: ${cseq} INVITE
Contact: <sip:[ani]@[local_ip]:[local_port]>
Max-Forwards: 70
${auth ? '[authentication]\n' : ''}Content-Type: application/sdp
Content-Length: [len]

${SDP}
    ]]>
  </send>`;

const provisional = `  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>`;

/** The ACK of a final error: hop by hop, on the INVITE's branch (copied from the response's Via). */
const errorAck = (cseq: number) => `  <send>
    <![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
[last_Via:]
From: <sip:[ani]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: ${cseq} ACK
Max-Forwards: 70
Content-Length: 0

    ]]>
  </send>`;

const inDialog = (method: 'ACK' | 'BYE', cseq: number) => `  <send${method === 'BYE' ? ' retrans="500"' : ''}>
    <![CDATA[
${method} [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: <sip:[ani]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: ${cseq} ${method}
Contact: <sip:[ani]@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

    ]]>
  </send>`;

/**
 * A customer's call. `expect` 200: answered, held for -d ms, hung up with a BYE through the
 * recorded route. Any other code: that final answer is required (another one fails the call).
 * `auth`: the first INVITE is challenged (407) and repeated with digest credentials (-au/-ap).
 */
export function uacScenario(opts: { expect: number; auth?: boolean; orElse?: number }): string {
  const steps: string[] = [];
  let cseq = 1;
  if (opts.auth) {
    steps.push(invite(cseq, false), provisional, '  <recv response="407" auth="true"/>', errorAck(cseq));
    cseq++;
  }
  steps.push(invite(cseq, !!opts.auth), provisional);
  // `orElse`: that final answer is an accepted outcome too (a limit that may or may not bite)
  if (opts.orElse) steps.push(`  <recv response="${opts.orElse}" optional="true" next="refused"/>`);
  if (opts.expect === 200) {
    steps.push(
      '  <recv response="200" rrs="true" rtd="true"/>',
      inDialog('ACK', cseq),
      '  <pause/>',
      inDialog('BYE', cseq + 1),
      '  <recv response="200" crlf="true"/>',
    );
    if (opts.orElse) steps.push('  <nop next="end"/>', '  <label id="refused"/>', errorAck(cseq), '  <label id="end"/>');
  } else {
    steps.push(`  <recv response="${opts.expect}" rtd="true"/>`, errorAck(cseq));
  }
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="warp customer expects ${opts.expect}${opts.auth ? ' with digest' : ''}">
${steps.join('\n')}
</scenario>
`;
}

const reply = (status: string, withSdp: boolean, toTag: boolean) => `  <send${status.startsWith('200') && withSdp ? ' retrans="500"' : ''}>
    <![CDATA[
SIP/2.0 ${status}
[last_Via:]
[last_Record-Route:]
[last_From:]
[last_To:]${toTag ? ';tag=[pid]SIPpTag01[call_number]' : ''}
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
${withSdp ? `Content-Type: application/sdp\nContent-Length: [len]\n\n${SDP}` : 'Content-Length: 0\n'}
    ]]>
  </send>`;

/**
 * A provider's gateway. `answer` 200: rings, answers, waits for the BYE. Any other code: answers
 * the INVITE with it and takes the ACK. Runs until killed (it serves many calls).
 */
export function uasScenario(opts: { answer: number; ringMs?: number }): string {
  const steps = ['  <recv request="INVITE" crlf="true"/>'];
  if (opts.answer === 200) {
    steps.push(reply('180 Ringing', false, true));
    if (opts.ringMs) steps.push(`  <pause milliseconds="${opts.ringMs}"/>`);
    steps.push(reply('200 OK', true, true), '  <recv request="ACK" crlf="true"/>', '  <recv request="BYE"/>', reply('200 OK', false, false));
  } else {
    const text: Record<number, string> = { 486: 'Busy Here', 503: 'Service Unavailable', 404: 'Not Found', 480: 'Temporarily Unavailable' };
    steps.push(reply(`${opts.answer} ${text[opts.answer] ?? 'Error'}`, false, true), '  <recv request="ACK"/>');
  }
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="warp provider answers ${opts.answer}">
${steps.join('\n')}
</scenario>
`;
}
