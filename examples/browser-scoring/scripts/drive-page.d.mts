import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM: string;

export interface RankedAnswer {
  style: 'detailed' | 'brief';
  score: number;
}

export interface PageTimings {
  backendMs: number;
  encoderLoadMs: number;
  runLoadMs: number;
  people: { conditionMs: number; scoreMs: number; firstScoreMs: number }[];
}

export interface TwoPeopleVisit {
  page: Page;
  people: { picked: 'detailed' | 'brief'; ranking: RankedAnswer[] }[];
  timings: PageTimings;
  backend: string;
  kernels: boolean | string;
  featurizer: string;
  requests: string[];
  requestsWhileChoosing: string[];
  errors: string[];
}

export function launchChromium(profileDir: string): Promise<BrowserContext>;
export function visitAsTwoPeople(context: BrowserContext, url: string, options?: { timeoutMs?: number }): Promise<TwoPeopleVisit>;
