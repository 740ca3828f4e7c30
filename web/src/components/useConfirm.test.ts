import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useConfirm } from './useConfirm';

describe('useConfirm', () => {
  it('keeps the dialog open with the error when the action fails, and nothing runs after it', async () => {
    const after = vi.fn(async () => undefined);
    const { result } = renderHook(() =>
      useConfirm(async (_: { id: string }) => Promise.reject(new Error('boom')), after),
    );
    act(() => result.current.ask({ id: 'k1' }));
    expect(result.current.dialog.open).toBe(true);
    await act(async () => result.current.dialog.onConfirm());
    await vi.waitFor(() => expect(result.current.dialog.busy).toBe(false));
    expect(result.current.dialog.open).toBe(true);
    expect(result.current.dialog.error).toMatch(/boom/);
    expect(after).not.toHaveBeenCalled();

    act(() => result.current.dialog.onCancel());
    expect(result.current.dialog.open).toBe(false);
    expect(result.current.dialog.error).toBeNull();
  });

  it('runs the action on the item asked about, closes, then runs `after`', async () => {
    const run = vi.fn(async (_: { id: string }) => undefined);
    const after = vi.fn(async () => undefined);
    const { result } = renderHook(() => useConfirm(run, after));
    act(() => result.current.ask({ id: 'k2' }));
    expect(result.current.target).toEqual({ id: 'k2' });
    await act(async () => result.current.dialog.onConfirm());
    await vi.waitFor(() => expect(after).toHaveBeenCalledTimes(1));
    expect(run).toHaveBeenCalledWith({ id: 'k2' });
    expect(result.current.dialog.open).toBe(false);
    expect(result.current.dialog.error).toBeNull();
  });
});
