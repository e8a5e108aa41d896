// The Agent Card: what an A2A client learns about the pool before calling it.
// Skills come from the agent's own `agent.register` capabilities, so the card
// follows the agent the operator configured without a second description.
import { A2A_PROTOCOL_VERSION, AgentCard, type AgentSkill } from '@a2a-js/sdk';
import { duplicateInterfacesForLegacy } from '@a2a-js/sdk/compat/v0_3';
import type { AgentInfo } from './types';

export const JSONRPC_PATH = '/a2a/jsonrpc';
export const BEARER_SCHEME = 'bearer';
export const IO_MODES = ['text/plain', 'application/json'];

export interface CardInput {
  name: string;
  baseUrl: string; // e.g. http://127.0.0.1:4100, no trailing slash
  agent: AgentInfo;
  version: string;
}

function skillsFor(agent: AgentInfo): AgentSkill[] {
  const caps = agent.capabilities.length > 0 ? agent.capabilities : ['process'];
  return caps.map((cap) => ({
    id: cap,
    name: cap,
    description: `Capability "${cap}" of agent ${agent.agentId}, run by a pool of greenlet workers`,
    tags: [...new Set([cap, agent.agentId])],
    examples: [],
    inputModes: [],
    outputModes: [],
    securityRequirements: [],
  }));
}

/** The card in the SDK's in-memory shape (what DefaultRequestHandler takes). */
export function buildAgentCard(input: CardInput): AgentCard {
  const base = input.baseUrl.replace(/\/+$/, '');
  return {
    name: input.name,
    description:
      `Agent ${input.agent.agentId} served by a Greenlet Control Center process pool. ` +
      'Text and data parts are handed to the agent; a string result comes back as a text part, ' +
      'any other JSON value as a data part.',
    // 1.0 first (preferred); the same endpoint also speaks v0.3 for older peers.
    supportedInterfaces: duplicateInterfacesForLegacy(
      [{ url: `${base}${JSONRPC_PATH}`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION }],
      ['JSONRPC'],
    ),
    provider: { organization: 'Greenlet Control Center', url: base },
    version: input.version,
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {
      [BEARER_SCHEME]: {
        scheme: {
          $case: 'httpAuthSecurityScheme',
          value: {
            description: "Bearer token: the gateway's a2a.token, else the control center's token",
            scheme: 'Bearer',
            bearerFormat: '',
          },
        },
      },
    },
    securityRequirements: [{ schemes: { [BEARER_SCHEME]: { list: [] } } }],
    defaultInputModes: [...IO_MODES],
    defaultOutputModes: [...IO_MODES],
    skills: skillsFor(input.agent),
    signatures: [],
  };
}

/**
 * The card as spec JSON. The SDK's agentCardHandler JSON.stringify()s what it
 * is given, and the in-memory shape carries `$case` wrappers for oneofs
 * (security schemes) that are not the wire format, so the well-known route
 * serves AgentCard.toJSON(card) instead.
 */
export function agentCardJson(card: AgentCard): AgentCard {
  return AgentCard.toJSON(card) as AgentCard;
}
