// @vitest-environment jsdom
// The scale form checks the option table's worker bounds before sending anything.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../common/schemas';
import { useConfig } from '../state/config';
import { ScaleForm } from './ScaleForm';

afterEach(cleanup);

describe('ScaleForm', () => {
  it('refuses a maximum past the table bound, naming the range, without calling the API', () => {
    useConfig.setState({ config: defaultConfig() });
    render(<ScaleForm />);
    fireEvent.change(screen.getByTestId('scale-max'), { target: { value: '65' } });
    fireEvent.change(screen.getByTestId('scale-min'), { target: { value: '0' } });
    fireEvent.submit(screen.getByTestId('scale-form')); // no API installed: a call would throw, not show this
    expect(screen.getByTestId('scale-error').textContent).toBe('min: Whole number 1–64 · max: Whole number 1–64');
  });
});
