import { createSynthCache } from './synth-cache';

// Runs once per `jest` run, before the workers start: they inherit the cache folder through the environment.
export default function globalSetup(): void {
  createSynthCache();
}
