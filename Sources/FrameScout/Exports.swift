// The façade is one import: a library caller writes `import FrameScout` and gets the jobs and
// reports, the engines' settings and findings (FrameScoutSearch), the stream facts and clock
// (FrameScoutMedia) and the value types (FrameScoutCore).
@_exported import FrameScoutCore
@_exported import FrameScoutMedia
@_exported import FrameScoutSearch
