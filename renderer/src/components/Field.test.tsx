// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STRATEGY_TABLE } from '../../../common/pool-options-table';
import { POOL_FIELDS } from '../lib/configFields';
import { Field } from './Field';

const maxWorkers = POOL_FIELDS.find((f) => f.key === 'maxWorkers')!;
const strategy = POOL_FIELDS.find((f) => f.key === 'loadBalancingStrategy')!;

afterEach(cleanup);

describe('Field', () => {
  it('labels the input, shows unit and help, and ties the error to the input', () => {
    render(<Field field={maxWorkers} value="500" error="Too big: expected number to be <=64" onChange={() => {}} />);
    const input = screen.getByLabelText('Maximum workers');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('workers')).toBeTruthy();
    const err = screen.getByTestId('error-pool.maxWorkers');
    expect(err.textContent).toMatch(/64/);
    expect(input.getAttribute('aria-describedby')).toContain(err.id);
  });

  it('reports edits with the field path and offers every strategy', () => {
    const onChange = vi.fn();
    render(<Field field={strategy} value="round-robin" onChange={onChange} />);
    const select = screen.getByLabelText('Load balancing') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['round-robin', 'least-busy', 'random', 'p2c-ewma']);
    fireEvent.change(select, { target: { value: 'p2c-ewma' } });
    expect(onChange).toHaveBeenCalledWith('pool.loadBalancingStrategy', 'p2c-ewma');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows each strategy by its label and explains the chosen one in the help', () => {
    render(<Field field={strategy} value="p2c-ewma" onChange={() => {}} />);
    const select = screen.getByLabelText('Load balancing') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(STRATEGY_TABLE.map((s) => s.label));
    const p2c = STRATEGY_TABLE.find((s) => s.name === 'p2c-ewma')!;
    expect(document.getElementById('f-pool.loadBalancingStrategy-help')?.textContent).toContain(`${p2c.label}: ${p2c.description}`);
  });
});
