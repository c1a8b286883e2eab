"""dvrstream — what tools/make-dav and tools/make-hik share: the H.264 access units of a
video with their timestamps, read with the ffmpeg/ffprobe CLI (Python standard library only).
"""
import json, os, subprocess, sys, tempfile

FF = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
TOOL = os.path.basename(sys.argv[0])


def die(message):
    sys.exit(f"{TOOL}: {message}")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode != 0:
        die(f"{cmd[0]} failed: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


class Frame:
    """One access unit in decode order: its Annex B bytes, pts and dts (seconds), keyframe."""

    def __init__(self, data, pts, dts, key):
        self.data, self.pts, self.dts, self.key = data, pts, dts, key


class Stream:
    """The first video stream of `path` (H.264): its facts and its frames in decode order."""

    def __init__(self, path):
        out = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                   "stream=codec_name,width,height,avg_frame_rate,r_frame_rate:packet=pts_time,dts_time,flags",
                   "-of", "json", path])
        data = json.loads(out)
        if not data.get("streams"):
            die(f"{path}: no video stream")
        facts = data["streams"][0]
        if facts.get("codec_name") != "h264":
            die(f"{path}: the video is {facts.get('codec_name')}; only H.264 is wrapped")
        self.path = path
        self.width, self.height = int(facts["width"]), int(facts["height"])
        self.fps = frame_rate(facts)
        packets = data["packets"]
        units = access_units(annexb(path))
        if len(units) != len(packets):
            die(f"{path}: {len(units)} access units in the stream but {len(packets)} packets")
        self.frames = [Frame(u, float(p.get("pts_time", p.get("dts_time"))), float(p.get("dts_time", p.get("pts_time"))),
                             "K" in p.get("flags", "")) for u, p in zip(units, packets)]

    @property
    def reorders(self):
        """B-frames: some frame is shown before a frame decoded earlier."""
        return any(b.pts < a.pts for a, b in zip(self.frames, self.frames[1:]))

    @property
    def keyframe_interval(self):
        keys = [i for i, f in enumerate(self.frames) if f.key]
        return keys[1] - keys[0] if len(keys) > 1 else None


def frame_rate(facts):
    for key in ("avg_frame_rate", "r_frame_rate"):
        num, _, den = facts.get(key, "0/0").partition("/")
        if den and int(den) > 0 and int(num) > 0:
            return int(num) / int(den)
    die("the stream states no frame rate")


def annexb(path):
    """The first video stream as an Annex B byte stream (`-bsf:v h264_mp4toannexb -f h264`)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "stream.h264")
        run(FF + ["-i", path, "-map", "0:v:0", "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264", raw])
        with open(raw, "rb") as f:
            return f.read()


def access_units(stream):
    """Splits an Annex B H.264 stream into access units: a unit starts at an AUD, SPS, PPS
    or SEI, or at a slice whose first_mb_in_slice is 0, once the current unit holds a slice."""
    bounds, has_slice, i = [], False, 0
    while (j := stream.find(b"\x00\x00\x01", i)) >= 0 and j + 3 < len(stream):
        begin = j - 1 if j > 0 and stream[j - 1] == 0 else j
        nal_type = stream[j + 3] & 0x1F
        first_slice = nal_type in (1, 5) and j + 4 < len(stream) and stream[j + 4] & 0x80
        if not bounds or ((nal_type in (6, 7, 8, 9) or first_slice) and has_slice):
            bounds.append(begin)
            has_slice = False
        has_slice = has_slice or nal_type in (1, 5)
        i = j + 3
    bounds.append(len(stream))
    return [stream[a:b] for a, b in zip(bounds, bounds[1:])]


def write_atomically(path, chunks):
    """Writes the byte strings under a temporary name, then renames it to `path`."""
    temporary = path + ".part"
    with open(temporary, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    os.replace(temporary, path)
