import { useEffect } from 'react';
import { useEditorStore } from '../store';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'range'].includes(type);
  }
  return el.closest('dialog[open]') !== null;
}

export interface ShortcutHandlers {
  onSave?: () => void;
  onAnnounce?: (message: string) => void;
}

/**
 * Builder keyboard: Delete/Backspace removes the selection, Ctrl/⌘+C/V copy and paste,
 * Ctrl/⌘+D duplicates, Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z or Ctrl+Y redo, Ctrl/⌘+S saves now.
 * Ignored while typing in a field (the field keeps its own undo).
 */
export function useEditorShortcuts({ onSave, onAnnounce }: ShortcutHandlers = {}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const store = useEditorStore.getState();
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) {
        // only when the canvas (or nothing in particular) has focus, not a button elsewhere
        const el = e.target as HTMLElement | null;
        if (el && el !== document.body && !el.closest?.('.react-flow')) return;
        if (
          store.nodes.some((n) => n.selected) ||
          store.edges.some((ed) => ed.selected) ||
          store.notes.some((n) => n.selected)
        ) {
          e.preventDefault();
          store.deleteSelection();
          onAnnounce?.('Deleted the selection. Press Ctrl+Z to undo.');
        }
        return;
      }
      if (!mod) return;
      if (key === 'z' && !e.shiftKey) {
        e.preventDefault();
        store.undo();
      } else if ((key === 'z' && e.shiftKey) || key === 'y') {
        e.preventDefault();
        store.redo();
      } else if (key === 'c') {
        const n = store.copySelection();
        if (n > 0) onAnnounce?.(`Copied ${n} step${n === 1 ? '' : 's'}.`);
      } else if (key === 'v') {
        const n = store.paste();
        if (n > 0) {
          e.preventDefault();
          onAnnounce?.(`Pasted ${n} step${n === 1 ? '' : 's'}.`);
        }
      } else if (key === 'd') {
        e.preventDefault();
        if (store.copySelection() > 0) store.paste();
      } else if (key === 's') {
        e.preventDefault();
        onSave?.();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onSave, onAnnounce]);
}
