import { useMemo } from 'preact/hooks';
import qrcode from 'qrcode-generator';

/**
 * The join link as a QR code, drawn as one SVG path (no canvas, no data URL, nothing injected as HTML),
 * so a phone can join by pointing its camera at the facilitator's shared screen.
 */
export function QrCode({ text, label, size = 160 }: { text: string; label: string; size?: number }) {
  const { path, count } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        if (qr.isDark(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
      }
    }
    return { path: d, count: n + 8 };
  }, [text]);
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${count} ${count}`}
      shape-rendering="crispEdges"
    >
      <rect width={count} height={count} fill="#fff" />
      <path d={path} fill="#111" />
    </svg>
  );
}
