import FrameScoutCore

// The scalar twins of the pixel-difference kernels, compiled here with LLVM's loop and SLP
// vectorisers off (Package.swift), as the baseline for `framescout bench core`.
//
// Why: in FrameScoutCore the optimiser auto-vectorises the plain scalar loop of
// `absoluteReference` into the same pminub/pmaxub/psubb sequence as our SIMD kernel, so
// "SIMD vs scalar" there measures SIMD against SIMD (1.2-1.5x). Compiled here, the very
// same source (the references are @inlinable and inlined into these wrappers) runs one
// pixel at a time, which is what "scalar" means. Turning the vectorisers off for the whole
// package instead would also slow our SIMD kernels 20-30x (their select/compare code
// reaches vector instructions through the SLP vectoriser), so only this target has the flags.

public enum ScalarBaseline {
  @inline(never)
  public static func absolute(_ a: GrayView, _ b: GrayView, into output: MutableGrayView) {
    PixelDifference.absoluteReference(a, b, into: output)
  }

  @inline(never)
  public static func sumOfAbsoluteDifferences(_ a: GrayView, _ b: GrayView) -> Int {
    PixelDifference.sumOfAbsoluteDifferencesReference(a, b)
  }

  @inline(never)
  public static func countOver(_ threshold: UInt8, in image: GrayView) -> Int {
    PixelDifference.countOverReference(threshold, in: image)
  }

  @inline(never)
  public static func countChanged(_ a: GrayView, _ b: GrayView, threshold: UInt8) -> Int {
    PixelDifference.countChangedReference(a, b, threshold: threshold)
  }
}
