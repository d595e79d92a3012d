import QRCode from 'qrcode'
import { zlibSync } from 'fflate'

/**
 * QR codes for printed notices: the plain URL of the notice (wechat.md: opens in any scanner, no
 * API call). SVG from the qrcode package; PNG encoded here from the module matrix with fflate, so
 * no canvas and no Node Buffer is needed (it runs in a Worker too).
 */
const OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 4 }

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'svg' })
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
  return out
}

/** A black-on-white 8-bit greyscale PNG, `scale` pixels per module, with the quiet zone. */
export function qrPng(text: string, scale = 8): Uint8Array {
  const qr = QRCode.create(text, OPTIONS)
  const n = qr.modules.size
  const side = (n + 2 * OPTIONS.margin) * scale
  const raw = new Uint8Array(side * (side + 1)).fill(255)
  for (let y = 0; y < side; y++) {
    raw[y * (side + 1)] = 0 // filter type: none
    const my = Math.floor(y / scale) - OPTIONS.margin
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - OPTIONS.margin
      if (mx >= 0 && my >= 0 && mx < n && my < n && qr.modules.get(my, mx)) raw[y * (side + 1) + 1 + x] = 0
    }
  }
  const ihdr = new Uint8Array(13)
  const v = new DataView(ihdr.buffer)
  v.setUint32(0, side)
  v.setUint32(4, side)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // greyscale
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw, { level: 9 })), chunk('IEND', new Uint8Array())]
  const png = new Uint8Array(parts.reduce((a, p) => a + p.length, 0))
  let o = 0
  for (const p of parts) {
    png.set(p, o)
    o += p.length
  }
  return png
}
