// swift-tools-version:6.0
// FrameScout: video-evidence frame search and comparison over FFmpeg's libraries.
// Layers (docs/DESIGN.md, held by Tests/FrameScoutTests/LayeringTests): Core (pure Swift, no Foundation)
// <- Media (the only C user) <- Search (engines)
// <- FrameScout (the façade: jobs and reports, batch) <- framescout (CLI); Report depends on Core only.
// CPU flags are not set here (no unsafeFlags in library targets): pass
// `-Xcc -march=x86-64-v2` on the swift build line for popcnt/SSE4.2 (README, .ci/run).
// The one target with unsafeFlags, FrameScoutScalarBaseline (the benchmark's scalar
// baseline, vectorisers off), is no library product; only the executable uses it.
import PackageDescription

let package = Package(
  name: "FrameScout",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "framescout", targets: ["framescout"]),
    .library(name: "FrameScoutCore", targets: ["FrameScoutCore"]),
    .library(name: "FrameScoutMedia", targets: ["FrameScoutMedia"]),
    .library(name: "FrameScoutSearch", targets: ["FrameScoutSearch"]),
    .library(name: "FrameScoutReport", targets: ["FrameScoutReport"]),
    .library(name: "FrameScout", targets: ["FrameScout"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    .systemLibrary(
      name: "CFFmpeg",
      pkgConfig: "libavformat",
      providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
    .target(
      name: "CJPEG",
      linkerSettings: [.linkedLibrary("jpeg")]),
    .target(name: "CFFmpegLog", dependencies: ["CFFmpeg"]),
    .target(name: "FrameScoutCore"),
    // The scalar twins compiled with LLVM's vectorisers off: the "scalar" column of
    // `framescout bench core` (see Sources/FrameScoutScalarBaseline). Not a product.
    .target(
      name: "FrameScoutScalarBaseline",
      dependencies: ["FrameScoutCore"],
      swiftSettings: [.unsafeFlags(["-Xllvm", "-vectorize-loops=false", "-Xllvm", "-vectorize-slp=false"])]),
    .target(
      name: "FrameScoutMedia",
      dependencies: [
        "CFFmpeg", "CFFmpegLog", "CJPEG", "FrameScoutCore",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .target(name: "FrameScoutSearch", dependencies: ["FrameScoutCore", "FrameScoutMedia"]),
    .target(name: "FrameScoutReport", dependencies: ["FrameScoutCore"]),
    .target(
      name: "FrameScout",
      dependencies: [
        "FrameScoutCore", "FrameScoutMedia", "FrameScoutSearch", "FrameScoutReport",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // `framescout bench`'s measurements (decode, kernels against their scalar baseline,
    // audit/compare): a separate target, no product, like the benchmarks of swift-collections.
    .target(name: "FrameScoutBenchmarks", dependencies: ["FrameScout", "FrameScoutScalarBaseline"]),
    .executableTarget(
      name: "framescout",
      dependencies: [
        "FrameScout", "FrameScoutMedia", "FrameScoutCore", "FrameScoutSearch", "FrameScoutBenchmarks",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The façade in use (built with the package, so by CI): scan a file, print its events.
    .executableTarget(name: "scan-events", dependencies: ["FrameScout"], path: "Examples/ScanEvents"),
    .testTarget(name: "FrameScoutCoreTests", dependencies: ["FrameScoutCore", "FrameScoutScalarBaseline"], exclude: ["Fixtures"]),
    .testTarget(name: "FrameScoutMediaTests", dependencies: ["FrameScoutMedia", "FrameScoutCore"]),
    .testTarget(name: "FrameScoutSearchTests", dependencies: ["FrameScoutSearch", "FrameScoutMedia", "FrameScoutCore"]),
    .testTarget(name: "FrameScoutReportTests", dependencies: ["FrameScoutReport", "FrameScoutCore"]),
    .testTarget(name: "FrameScoutTests", dependencies: ["FrameScout", "FrameScoutReport", "FrameScoutSearch", "FrameScoutCore"]),
    .testTarget(name: "framescoutTests", dependencies: ["framescout", "scan-events", .product(name: "Crypto", package: "swift-crypto")]),
  ]
)
