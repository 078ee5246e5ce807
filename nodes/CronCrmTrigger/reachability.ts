import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Loopback, private (RFC 1918), carrier-grade NAT (100.64.0.0/10, e.g. Tailscale), link-local and
 * unspecified addresses, and host names only a local network resolves: `localhost`, `*.local`,
 * `*.internal` (`host.docker.internal`) and single-label names (`n8n`, a docker-compose service).
 */
export function isLocalHost(hostname: string): boolean {
	const host = hostname
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '');
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
	if (host === 'internal' || host.endsWith('.internal')) return true;
	// A name without a dot resolves only through a local resolver (docker DNS, /etc/hosts, a search domain).
	if (host !== '' && !host.includes('.') && !host.includes(':')) return true;
	if (host === '::1' || host === '::' || host.startsWith('fc') || host.startsWith('fd')) {
		return host.includes(':');
	}
	if (host.startsWith('fe80:')) return true;
	const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host.replace(/^::ffff:/, ''));
	if (!ipv4) return false;
	const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
	return (
		a === 127 ||
		a === 10 ||
		a === 0 ||
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168) ||
		(a === 100 && b >= 64 && b <= 127) ||
		(a === 169 && b === 254)
	);
}

function hostOf(url: string): string | undefined {
	return URL.canParse(url) ? new URL(url).hostname : undefined;
}

/**
 * A CRONCRM on the internet cannot post to n8n on loopback or a private network: activation would
 * "succeed" and no event would ever arrive. So it fails first, before any request, and says how to
 * fix it. A CRONCRM on a local address (the sandbox) can reach a local n8n, so that passes.
 */
export function assertCronCrmCanReach(node: INode, webhookUrl: string, baseUrl: string): void {
	const webhookHost = hostOf(webhookUrl);
	const apiHost = hostOf(baseUrl);
	if (!webhookHost || !apiHost || isLocalHost(apiHost) || !isLocalHost(webhookHost)) return;
	throw new NodeOperationError(
		node,
		`CRONCRM cannot reach this trigger's URL ${webhookUrl}: ${webhookHost} is a loopback, private-network or local-only address`,
		{
			description: `CRONCRM (${apiHost}) posts events from the internet. Set n8n's WEBHOOK_URL environment variable to the public https address of this n8n (for example https://n8n.example.com/), restart n8n, and activate again. For local tries, point the credential's Base URL at the CRONCRM sandbox instead.`,
		},
	);
}
