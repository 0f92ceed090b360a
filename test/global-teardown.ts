import { removeSynthCache } from './synth-cache';

export default function globalTeardown(): void {
  removeSynthCache();
}
