import { describe, expect, it } from 'vitest';
import { describeExpected } from './TemplateGallery.tsx';

describe('describeExpected', () => {
  it('says an error should fall, a reward or accuracy rise, and a baseline not learn', () => {
    expect(describeExpected({ expected: { metric: 'signError', below: 0.01, withinEpisodes: 2000 } })).toBe('signError falls below 0.01 within 2,000 episodes');
    expect(describeExpected({ expected: { metric: 'reward', above: 15, withinEpisodes: 40000 } })).toBe('reward rises above 15 within 40,000 episodes');
    expect(describeExpected({ expected: { metric: 'signError', above: 0.01 } })).toBe('signError stays above 0.01: it should not learn the task');
    expect(describeExpected({ expected: { metric: 'loss', withinEpisodes: 3000 } })).toBeNull();
    expect(describeExpected({})).toBeNull();
  });

  it('states a time budget, alone or with a number of episodes', () => {
    expect(describeExpected({ expected: { metric: 'accuracy', above: 0.95, withinMinutes: 58 } })).toBe('accuracy rises above 0.95 within 58 minutes');
    expect(describeExpected({ expected: { metric: 'accuracy', above: 0.9, withinEpisodes: 1000, withinMinutes: 5 } })).toBe('accuracy rises above 0.9 within 1,000 episodes and 5 minutes');
  });
});
