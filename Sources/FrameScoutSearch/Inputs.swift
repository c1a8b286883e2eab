import FrameScoutCore
import FrameScoutMedia

extension RegionSpec {
  /// The region on a frame of this size. Outside the frame, or smaller than
  /// `minimum`×`minimum` source pixels (`why` says what for), is an error naming `setting`.
  public func resolve(frameWidth: Int, frameHeight: Int, minimum: Int, why: String = "", setting: String) throws(SettingError) -> Region {
    let region: Region
    do { region = try resolve(frameWidth: frameWidth, frameHeight: frameHeight) }
    catch { throw SettingError(setting, "'\(self)': \(error)") }
    if region.bounds.width < minimum || region.bounds.height < minimum {
      throw SettingError(setting, "'\(self)': region \(region.bounds) is too small\(why.isEmpty ? "" : " " + why) (at least \(minimum)x\(minimum) source pixels)")
    }
    return region
  }
}

/// The part of a timeline to search, in seconds from the start of its first file. A frame
/// number counts on the first file's clock.
public struct TimeWindow: Sendable, Hashable {
  public var from: Double?
  public var to: Double?

  public init(from: Double? = nil, to: Double? = nil) {
    self.from = from
    self.to = to
  }

  /// `to` must come after `from`.
  public init(from: TimeSpec?, to: TimeSpec?, clock: StreamClock) throws(SettingError) {
    func seconds(_ t: TimeSpec?) -> Double? {
      switch t { case .seconds(let s)?: return s; case .frame(let n)?: return clock.seconds(ofFrame: n); case nil: return nil }
    }
    self.from = seconds(from)
    self.to = seconds(to)
    if let a = self.from, let b = self.to, b <= a { throw SettingError("to", "must be after `from`") }
  }
}
