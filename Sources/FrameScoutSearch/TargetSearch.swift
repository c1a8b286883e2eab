import FrameScoutCore

/// One place and size at which the target matched.
public struct TargetMatch: Sendable, Hashable {
  /// Box in source pixels.
  public var box: PixelRect
  /// Normalised cross-correlation, −1…1.
  public var score: Double
  /// Index into the finder's scales.
  public var scale: Int
}

/// Looks for a reference picture (a crop of the stolen item, a vehicle) in frames:
/// lighting-normalised cross-correlation of the target, resized to a ladder of scales,
/// at every position of the analysis image (coarse grid, then refined to the pixel).
/// Everything size-dependent is prepared once per frame geometry.
public final class TargetSearch {
  public let target: GrayImage
  public let settings: FindSettings
  /// Analysis image size and the source size it is reduced from.
  public let width: Int, height: Int, sourceWidth: Int, sourceHeight: Int
  /// Per scale: the relative size (object / target) and the matcher of the resized target.
  public private(set) var scaleFactors: [Double] = []
  var matchers: [TemplateMatcher] = []
  /// Per scale: the resized target's noise variance from its finest detail (`PatchNoise`).
  var templateNoise: [Double] = []
  var integral: IntegralImage
  /// Per scale: the coarse grid's step (1/8 of the template's short side) and the matcher of
  /// the template box-blurred by half that step, which the coarse grid scans on the frame
  /// blurred alike (slot `blurSlot[s]` of the blurred frames, one per distinct radius).
  var steps: [Int] = []
  var coarseMatchers: [TemplateMatcher] = []
  var blurSlot: [Int] = []
  var blurRadii: [Int] = []
  var blurred: [GrayImage] = []
  var blurredIntegrals: [IntegralImage] = []
  /// Best match per scale in the current frame, and the best window half a template or more
  /// from it (reused storage).
  var candidates: [TargetMatch?] = []
  var runnersUp: [TargetMatch?] = []
  /// The current frame's colour planes during a search (nil: no colour gate).
  var colour: ChromaPlanes?
  /// Search rectangle in analysis pixels.
  let search: PixelRect

  /// The analysis width for a target: wide enough that the smallest scaled target keeps
  /// at least 16 pixels on its short side (smaller templates correlate with chance
  /// texture), at least 320, at most the source width.
  public static func analysisWidth(target: GrayImage, sourceWidth: Int, scales: ClosedRange<Double>) -> Int {
    let short = Double(min(target.width, target.height)) * scales.lowerBound
    let needed = max(320, Int((Double(sourceWidth) * 16 / max(1, short)).rounded(.up)))
    // An integer reduction factor keeps boxes aligned (and the SIMD downsampling path).
    let factor = max(1, sourceWidth / needed)
    return sourceWidth / factor
  }

  public init(target: GrayImage, settings: FindSettings, sourceWidth: Int, sourceHeight: Int, width: Int, height: Int, region: Region?) {
    self.target = target
    self.settings = settings
    self.sourceWidth = sourceWidth
    self.sourceHeight = sourceHeight
    self.width = width
    self.height = height
    integral = IntegralImage(width: width, height: height)
    search = region?.scaledBounds(sourceWidth: sourceWidth, sourceHeight: sourceHeight, width: width, height: height)
      ?? PixelRect(x: 0, y: 0, width: width, height: height)
    let toAnalysis = Double(width) / Double(sourceWidth)
    // Scales 2^(1/4) apart: NCC tolerates about ±10 % of size mismatch.
    var k = settings.scales.lowerBound
    while k <= settings.scales.upperBound * 1.0001 {
      let w = Int((Double(target.width) * k * toAnalysis).rounded()), h = Int((Double(target.height) * k * toAnalysis).rounded())
      if w >= 8 && h >= 8 && w <= search.width && h <= search.height {
        let resized = target.withView { Self.resize($0, width: w, height: h) }
        let matcher = resized.withView { TemplateMatcher(template: $0) }
        if matcher.statistics.variance > 1 {
          scaleFactors.append(k)
          matchers.append(matcher)
          templateNoise.append(resized.withView { PatchNoise.spatialVariance(of: $0) })
        }
      }
      k *= 1.189_207_115
    }
    candidates = [TargetMatch?](repeating: nil, count: matchers.count)
    runnersUp = candidates
    prepareCoarse()
  }

  /// The coarse stage's steps, blurred templates and frame buffers, once.
  func prepareCoarse() {
    for m in matchers {
      let step = max(1, min(m.width, m.height) / 8), r = step / 2
      steps.append(step)
      if !blurRadii.contains(r) { blurRadii.append(r) }
      blurSlot.append(blurRadii.firstIndex(of: r)!)
      coarseMatchers.append(r == 0 ? m : m.template.withView { t in
        var b = GrayImage(width: t.width, height: t.height)
        b.withMutableView { BoxBlur.apply(integral: IntegralImage(t), radius: r, into: $0) }
        return b.withView { TemplateMatcher(template: $0) }
      })
    }
    for _ in blurRadii {
      blurred.append(GrayImage(width: width, height: height))
      blurredIntegrals.append(IntegralImage(width: width, height: height))
    }
  }

  /// Best match of the target in an analysis image, over every scale, or nil when no
  /// scale fits. Allocates nothing.
  public func bestMatch(in image: GrayView, colour: ChromaPlanes? = nil) -> TargetMatch? {
    prepare(image, colour: colour)
    return bestMatchPrepared(in: image)
  }

  /// Readies the search for one frame: its integral image and colour planes, and with
  /// `coarse` the blurred copies the whole-frame search scans first.
  public func prepare(_ image: GrayView, colour: ChromaPlanes?, coarse: Bool = true) {
    integral.compute(image)
    self.colour = colour
    guard coarse else { return }
    for (k, r) in blurRadii.enumerated() where r > 0 {
      blurred[k].withMutableView { BoxBlur.apply(integral: integral, radius: r, into: $0) }
      blurred[k].withView { blurredIntegrals[k].compute($0) }
    }
  }

  /// `bestMatch` on the frame given to `prepare`; with `runnersUp`, each scale's runner-up
  /// (for `chanceScore`) is refined to the pixel too (one more local scan per scale: 5 % of
  /// the search on tools/bench-find's clip when done at every sample).
  public func bestMatchPrepared(in image: GrayView, runnersUp refineRunnersUp: Bool = false) -> TargetMatch? {
    var best: TargetMatch? = nil
    for s in candidates.indices { (candidates[s], runnersUp[s]) = (nil, nil) }
    for (s, m) in matchers.enumerated() {
      let step = steps[s], k = blurSlot[s]
      var second = (x: 0, y: 0, score: -2.0)
      var (x, y, score) = blurRadii[k] == 0 ? scan(m, image, integral, search, step: step, runnerUp: &second)
        : blurred[k].withView { scan(coarseMatchers[s], $0, blurredIntegrals[k], search, step: step, runnerUp: &second) }
      if step > 1 && score > -2 { (x, y, score) = refine(s, image, (x, y, score)) }
      if step > 1 && second.score > -2 && refineRunnersUp { second = refine(s, image, second) }
      candidates[s] = TargetMatch(box: sourceBox(x: x, y: y, w: m.width, h: m.height), score: score, scale: s)
      if second.score > -2 && (refineRunnersUp || step == 1) {
        runnersUp[s] = TargetMatch(box: sourceBox(x: second.x, y: second.y, w: m.width, h: m.height), score: second.score, scale: s)
      }
    }
    // A small template fits part of a plain object almost as well as the right size fits
    // all of it: of the scales within 0.03 of the best score, take the largest.
    var top = -3.0
    for c in candidates { if let c, c.score > top { top = c.score } }
    guard top > -2 else { return nil }
    for s in candidates.indices.reversed() {
      if let c = candidates[s], c.score >= top - 0.03 { best = c; break }
    }
    return best
  }

  /// A coarse grid's window of scale `s` refined to the pixel on the sharp frame, within a
  /// step of it.
  func refine(_ s: Int, _ image: GrayView, _ c: (x: Int, y: Int, score: Double)) -> (x: Int, y: Int, score: Double) {
    let m = matchers[s], step = steps[s]
    let x0 = max(search.x, c.x - step), y0 = max(search.y, c.y - step)
    let x1 = min(search.x + search.width, c.x + step + m.width), y1 = min(search.y + search.height, c.y + step + m.height)
    let refined = scan(m, image, integral, PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0), step: 1)
    return refined.score > c.score || blurRadii[blurSlot[s]] > 0 ? refined : c
  }

  /// The best score of the current frame's windows away from `hit` (at most a quarter of the
  /// smaller box inside the other), at scale `s`: how well the target matches by chance in
  /// this footage (nil when no window away from it was scored).
  func chanceScore(scale s: Int, awayFrom hit: TargetMatch) -> Double? {
    func away(_ c: TargetMatch?) -> Double? {
      guard let c, c.score > -2, Self.containment(c.box, hit.box) < 0.25 else { return nil }
      return c.score
    }
    switch (away(candidates[s]), away(runnersUp[s])) {
    case let (a?, b?): return max(a, b)
    case let (a, b): return a ?? b
    }
  }

  /// The best window of `search` for matcher `m`, stepping `step` pixels. Windows whose
  /// brightness or contrast is more than `appearanceRatio` from the target's are skipped
  /// before any correlation is computed (their statistics come from the integral image).
  /// Score −2 when every window was skipped.
  func scan(_ m: TemplateMatcher, _ image: GrayView, _ integral: IntegralImage, _ search: PixelRect, step: Int)
    -> (x: Int, y: Int, score: Double) {
    var unused = (x: 0, y: 0, score: -2.0)
    return scan(m, image, integral, search, step: step, runnerUp: &unused)
  }

  /// `scan`, also keeping in `runnerUp` the best window half a template or more (across or
  /// down) from the best one found before it (it may come to lie nearer a later best).
  func scan(_ m: TemplateMatcher, _ image: GrayView, _ integral: IntegralImage, _ search: PixelRect, step: Int,
            runnerUp second: inout (x: Int, y: Int, score: Double)) -> (x: Int, y: Int, score: Double) {
    var best = (x: search.x, y: search.y, score: -2.0)
    let halfW = m.width / 2, halfH = m.height / 2
    let ratio = settings.appearanceRatio
    let mean = m.statistics.mean, deviation = m.statistics.standardDeviation
    let meanLow = mean / ratio - 8, meanHigh = mean * ratio + 8
    let devLow = deviation / ratio - 2, devHigh = deviation * ratio + 2
    m.template.withView { t in
      var y = search.y
      while y + m.height <= search.y + search.height {
        var x = search.x
        while x + m.width <= search.x + search.width {
          let r = PixelRect(x: x, y: y, width: m.width, height: m.height)
          let w = integral.statistics(in: r)
          let wm = w.mean, wd = w.standardDeviation
          if wm >= meanLow && wm <= meanHigh && wd >= devLow && wd <= devHigh {
            let score = m.score(dot: RegionStatistics.dotProduct(t, image.cropped(to: r)), window: w)
            // The colour is checked only for a window that would become the best or the
            // runner-up and could count (the threshold is lowered for grain to `colourFloor`).
            if score > second.score && (score < colourFloor || colourMatches(r)) {
              let apart = abs(x - best.x) >= halfW || abs(y - best.y) >= halfH
              if score > best.score {
                if apart { second = best }
                best = (x, y, score)
              } else if apart { second = (x, y, score) }
            }
          }
          x += step
        }
        y += step
      }
    }
    return best
  }

  /// The lowest score that can count as the target: `minimumScore` lowered for the most grain.
  var colourFloor: Double { settings.minimumScore * PatchNoise.lowestExpectedCorrelation }

  /// `PatchNoise.expectedCorrelation` of scale `s`'s template with a window of variance
  /// `variance` whose spot has noise variance `noise` (nil: not known, taken as none).
  func expectedCorrelation(scale s: Int, variance: Double, noise: Double?) -> Double {
    PatchNoise.expectedCorrelation(targetVariance: matchers[s].statistics.variance, targetNoise: templateNoise[s],
                                   windowVariance: variance, windowNoise: noise ?? 0)
  }

  /// The window has the target's colour: within max(12, half its saturation) in U/V, and,
  /// for a target coloured beyond chroma noise (saturation over 6), at least half as far
  /// along the target's hue as the target is: a grey kerb or a grey pavement is no brown box
  /// even when the brown is faint (a faint brown is within 12 of grey).
  func colourMatches(_ analysisRect: PixelRect) -> Bool {
    guard let target = settings.targetColour, let planes = colour else { return true }
    let c = planes.mean(in: sourceBox(x: analysisRect.x, y: analysisRect.y, w: analysisRect.width, h: analysisRect.height))
    return Self.colourAgrees(c, target)
  }

  static func colourAgrees(_ c: Chroma, _ target: Chroma) -> Bool {
    guard c.distance(to: target) <= max(12, target.saturation / 2) else { return false }
    let sat = target.saturation
    guard sat > 6 else { return true }
    let along = ((c.u - 128) * (target.u - 128) + (c.v - 128) * (target.v - 128)) / sat
    return along >= sat / 2
  }

  /// The best window of matcher `s` within `radius` analysis pixels of (x, y) on the
  /// prepared frame: its position, score and whether it has the target's colour.
  func local(scale s: Int, x: Int, y: Int, radius: Int, image: GrayView) -> (x: Int, y: Int, score: Double, colour: Bool) {
    let m = matchers[s]
    let x0 = max(search.x, x - radius), y0 = max(search.y, y - radius)
    let x1 = min(search.x + search.width, x + m.width + radius), y1 = min(search.y + search.height, y + m.height + radius)
    guard x1 - x0 >= m.width, y1 - y0 >= m.height else { return (x, y, -2, false) }
    let r = scan(m, image, integral, PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0), step: 1)
    let ok = r.score > -2 && colourMatches(PixelRect(x: r.x, y: r.y, width: m.width, height: m.height))
    return (r.x, r.y, r.score, ok)
  }

  func sourceBox(x: Int, y: Int, w: Int, h: Int) -> PixelRect {
    let sx = Double(sourceWidth) / Double(width), sy = Double(sourceHeight) / Double(height)
    return PixelRect(x: Int((Double(x) * sx).rounded()), y: Int((Double(y) * sy).rounded()),
                     width: Int((Double(w) * sx).rounded()), height: Int((Double(h) * sy).rounded()))
  }

  /// Resizes a picture: area average when shrinking, bilinear when enlarging.
  static func resize(_ src: GrayView, width: Int, height: Int) -> GrayImage {
    if width <= src.width && height <= src.height {
      var out = GrayImage(width: width, height: height)
      let d = AreaDownsampler(sourceWidth: src.width, sourceHeight: src.height, width: width, height: height)
      out.withMutableView { d.downsample(src, into: $0) }
      return out
    }
    var out = GrayImage(width: width, height: height)
    for y in 0..<height {
      let fy = max(0, min(Double(src.height - 1), (Double(y) + 0.5) * Double(src.height) / Double(height) - 0.5))
      let y0 = Int(fy), y1 = min(src.height - 1, y0 + 1), wy = fy - Double(y0)
      for x in 0..<width {
        let fx = max(0, min(Double(src.width - 1), (Double(x) + 0.5) * Double(src.width) / Double(width) - 0.5))
        let x0 = Int(fx), x1 = min(src.width - 1, x0 + 1), wx = fx - Double(x0)
        let top = Double(src[x0, y0]) * (1 - wx) + Double(src[x1, y0]) * wx
        let bottom = Double(src[x0, y1]) * (1 - wx) + Double(src[x1, y1]) * wx
        out[x, y] = UInt8(max(0, min(255, (top * (1 - wy) + bottom * wy).rounded())))
      }
    }
    return out
  }
}
