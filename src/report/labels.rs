//! The words of the charts and pages, in English and Chinese, and the font each language is
//! drawn in. Every visible string of the report comes from one [`Labels`] table.

use anyhow::Context;
use plotters::style::FontStyle;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The language of a report's charts and pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// English, drawn in the embedded DejaVu Sans.
    #[default]
    En,
    /// Simplified Chinese, drawn in a CJK font found on the system.
    Zh,
}

/// Every visible string of the charts and pages in one language.
pub struct Labels {
    /// The `lang` attribute of report.html.
    pub html_lang: &'static str,
    pub report_title: &'static str,
    pub summary: &'static str,
    pub all_calls: &'static str,
    pub priority: &'static str,
    pub minutes_short: &'static str,
    pub summary_header: [&'static str; 6],
    pub mean_utilisation: &'static str,
    pub staffing: &'static str,
    pub parameters: &'static str,
    pub map_data: &'static str,
    // The promise table and where the promises break.
    pub promise_header: [&'static str; 6],
    pub sealing_10min: &'static str,
    pub sealing_at_calls: &'static str,
    pub sealing_at_samples: &'static str,
    pub one_replication: &'static str,
    pub interval_note: &'static str,
    pub replications: &'static str,
    pub not_closed: &'static str,
    pub contained: &'static str,
    /// Exits held within 30 minutes, of all the rings' exits (cordon row note).
    pub exits_held_30min: &'static str,
    pub measured_moments: &'static str,
    pub breaks_heading: &'static str,
    pub breaks_note: &'static str,
    pub zone_header: [&'static str; 4],
    pub hour_header: [&'static str; 4],
    pub no_breaks: &'static str,
    pub area_wide: &'static str,
    // Chart 1: response-time CDF.
    pub cdf_heading: &'static str,
    pub cdf_title: &'static str,
    pub cdf_x: &'static str,
    pub cdf_y: &'static str,
    // Chart 2: by hour of day.
    pub hourly_heading: &'static str,
    pub hourly_title: &'static str,
    pub hour_x: &'static str,
    pub calls_per_hour: &'static str,
    pub crews_on_duty: &'static str,
    pub promise_share: &'static str,
    pub on_scene_5min: &'static str,
    pub reinforcement_10min: &'static str,
    pub cordon_30min: &'static str,
    // Chart 3: the map.
    pub map_heading: &'static str,
    pub map_title: &'static str,
    pub map_colour: &'static str,
    /// The colour scale of `place`'s chart.
    pub place_colour: &'static str,
    pub no_calls: &'static str,
    pub post: &'static str,
    pub station: &'static str,
    pub checkpoint: &'static str,
    pub east_km: &'static str,
    pub north_km: &'static str,
    pub metres: &'static str,
    pub kilometres: &'static str,
    // The interactive map.
    pub imap_heading: &'static str,
    pub imap_text: &'static str,
    pub imap_colour: &'static str,
    pub imap_roads: &'static str,
    pub imap_node: &'static str,
    pub imap_calls: &'static str,
    pub imap_mean: &'static str,
    // Chart 4: crews.
    pub crews_heading: &'static str,
    pub crews_title: &'static str,
    pub layer: &'static str,
    /// Names of the layers (point, line, surface, standby) as the tables write them.
    pub layer_names: [(&'static str, &'static str); 4],
    pub crews_y: &'static str,
    pub utilisation: &'static str,
    pub street_presence: &'static str,
    // Chart 5: sweep.
    pub sweep_title: &'static str,
    pub sweep_heading: &'static str,
    pub ci_band: &'static str,
    pub target: &'static str,
    pub least_meeting: &'static str,
    pub none_meets: &'static str,
    pub ci_note: &'static str,
    pub points: &'static str,
    pub sweep_header: [&'static str; 5],
    // Chart 6: comparison.
    pub compare_title: &'static str,
    pub compare_heading: &'static str,
    pub compare_y: &'static str,
    pub compare_note: &'static str,
    pub run: &'static str,
    pub folder: &'static str,
    pub compare_cdf: &'static str,
    pub differences: &'static str,
    pub no_differences: &'static str,
    pub parameter: &'static str,
}

/// English.
pub const EN: Labels = Labels {
    html_lang: "en",
    report_title: "Response promises",
    summary: "Summary",
    all_calls: "All calls",
    priority: "Priority",
    minutes_short: "min",
    summary_header: [
        "Calls",
        "Count",
        "First unit ≤ 5 min",
        "All units ≤ 10 min",
        "Mean response (min)",
        "90th percentile (min)",
    ],
    mean_utilisation: "Mean crew utilisation",
    staffing: "Staffing arithmetic",
    parameters: "Scenario parameters",
    map_data: "Map data",
    promise_header: [
        "Promise",
        "Calls of",
        "Applies to",
        "Held",
        "95 % interval across replications",
        "Note",
    ],
    sealing_10min: "Sealing ring ≤ 10 min",
    sealing_at_calls: "Sealing ring ≤ 10 min, at priority-1 dispatches",
    sealing_at_samples: "Sealing ring ≤ 10 min, at sampled times",
    one_replication: "— (one replication)",
    interval_note: "Held: the share over all replications pooled. Interval: the Student t 95 % \
                    interval (n − 1 degrees of freedom) of the mean of the replications' shares, \
                    clipped to 0–100 %; it says how precisely the simulation measured this \
                    scenario, not how uncertain its inputs are.",
    replications: "Replications",
    not_closed: "rings not closed",
    contained: "suspect contained",
    exits_held_30min: "exits held ≤ 30 min",
    measured_moments: "moments measured, not calls",
    breaks_heading: "Where the promises break",
    breaks_note: "For each promise, up to 5 zones and 5 hours of the day with the lowest share \
                  held (those where it never broke left out), worst first; counts over all \
                  replications.",
    zone_header: ["Zone", "Applies to", "Broken", "Held"],
    hour_header: ["Hour of day", "Applies to", "Broken", "Held"],
    no_breaks: "It never broke.",
    area_wide: "The sealing ring is the whole area's: not measured by zone.",
    cdf_heading: "Response times",
    cdf_title: "Time to first unit on scene, by priority",
    cdf_x: "Minutes from call to first unit on scene",
    cdf_y: "Calls reached by then (%)",
    hourly_heading: "By hour of day",
    hourly_title: "Calls, crews on duty and promises kept, by hour of day",
    hour_x: "Hour of day (h)",
    calls_per_hour: "Calls per hour",
    crews_on_duty: "Crews on duty",
    promise_share: "Calls meeting (%)",
    on_scene_5min: "First unit ≤ 5 min",
    reinforcement_10min: "All units ≤ 10 min",
    cordon_30min: "Cordon ≤ 30 min",
    map_heading: "Map",
    map_title: "Mean time to first unit on scene, by place",
    map_colour: "Mean response (min)",
    place_colour: "Travel time (min)",
    no_calls: "no calls",
    post: "Post",
    station: "Police station / HQ",
    checkpoint: "Checkpoint",
    east_km: "East (km)",
    north_km: "North (km)",
    metres: "m",
    kilometres: "km",
    imap_heading: "Interactive map",
    imap_text: "Each circle is a place with calls, coloured by the share of its calls with a unit on scene within 5 minutes and sized by its calls; point at one (or click it) for its figures. Roads are drawn light; posts, stations and checkpoints are marked. The same figures are in results_nodes.geojson.",
    imap_colour: "First unit on scene ≤ 5 min:",
    imap_roads: "Road",
    imap_node: "Node",
    imap_calls: "Calls",
    imap_mean: "Mean response",
    crews_heading: "Crews",
    crews_title: "Crews: time busy and time on the street, by layer",
    layer: "Layer",
    layer_names: [
        ("point", "point"),
        ("line", "line"),
        ("surface", "surface"),
        ("standby", "standby"),
    ],
    crews_y: "Share of time on duty (%)",
    utilisation: "Utilisation (busy with calls)",
    street_presence: "Street presence (on patrol, available)",
    sweep_title: "share of calls across the sweep",
    sweep_heading: "Sweep",
    ci_band: "95 % interval",
    target: "Target",
    least_meeting: "Least value meeting the target",
    none_meets: "No value meets the target with 95 % confidence",
    ci_note: "Bands: Student t 95 % interval of the mean across replications, clipped to 0–100 %. \
              A value meets the target when the band's lower end reaches it.",
    points: "Points",
    sweep_header: [
        "Point",
        "Replications",
        "First unit ≤ 5 min (95 % interval)",
        "All units ≤ 10 min (95 % interval)",
        "Mean utilisation",
    ],
    compare_title: "Promises kept, run by run",
    compare_heading: "Comparison",
    compare_y: "Calls meeting the promise (%)",
    compare_note: "Bars: pooled share over all replications; whiskers: Student t 95 % interval \
                   across replications, clipped to 0–100 %.",
    run: "Run",
    folder: "Folder",
    compare_cdf: "Minutes to first unit on scene (all calls)",
    differences: "What differs between the runs",
    no_differences: "The runs' scenario files set the same values.",
    parameter: "Parameter",
};

/// Simplified Chinese, for the plan's readers.
pub const ZH: Labels = Labels {
    html_lang: "zh-CN",
    report_title: "接处警承诺",
    summary: "概要",
    all_calls: "全部警情",
    priority: "优先级",
    minutes_short: "分钟",
    summary_header: [
        "警情",
        "数量",
        "首车 ≤ 5 分钟",
        "全部警力 ≤ 10 分钟",
        "平均响应 (分钟)",
        "90 百分位 (分钟)",
    ],
    mean_utilisation: "警组平均利用率",
    staffing: "警力配置测算",
    parameters: "情景参数",
    map_data: "地图数据",
    promise_header: [
        "承诺",
        "警情范围",
        "适用数",
        "达成率",
        "各次重复的 95% 置信区间",
        "备注",
    ],
    sealing_10min: "十分钟封控圈",
    sealing_at_calls: "十分钟封控圈 (一级警情派警时)",
    sealing_at_samples: "十分钟封控圈 (定时测量)",
    one_replication: "— (仅一次重复)",
    interval_note: "达成率：全部重复合并计算。区间：各次重复达成率均值的 Student t 95% 置信区间 \
                    (自由度 n − 1)，截断在 0–100%；它表示模拟对本情景测量的精度，不表示输入参数的不确定性。",
    replications: "重复次数",
    not_closed: "个包围圈未合拢",
    contained: "嫌疑人被围住",
    exits_held_30min: "30 分钟内守住的出口",
    measured_moments: "按测量时刻计，非警情",
    breaks_heading: "承诺在何处失守",
    breaks_note: "每项承诺列出达成率最低的至多 5 个区域和 5 个时段 (从未失守的不列)，由差到好；计数为全部重复合计。",
    zone_header: ["区域", "适用数", "未达成", "达成率"],
    hour_header: ["时段", "适用数", "未达成", "达成率"],
    no_breaks: "从未失守。",
    area_wide: "封控圈针对全区，不按区域统计。",
    cdf_heading: "响应时间",
    cdf_title: "首车到场时间 (按优先级)",
    cdf_x: "接警至首车到场 (分钟)",
    cdf_y: "已到场警情占比 (%)",
    hourly_heading: "按小时",
    hourly_title: "各小时警情、在岗警组与承诺达成率",
    hour_x: "时刻 (时)",
    calls_per_hour: "每小时警情",
    crews_on_duty: "在岗警组",
    promise_share: "达成率 (%)",
    on_scene_5min: "首车 ≤ 5 分钟",
    reinforcement_10min: "全部警力 ≤ 10 分钟",
    cordon_30min: "封控 ≤ 30 分钟",
    map_heading: "地图",
    map_title: "各地点首车平均到场时间",
    map_colour: "平均响应 (分钟)",
    place_colour: "行车时间 (分钟)",
    no_calls: "无警情",
    post: "岗亭 / 服务站",
    station: "派出所 / 指挥中心",
    checkpoint: "检查站",
    east_km: "东向 (公里)",
    north_km: "北向 (公里)",
    metres: "米",
    kilometres: "公里",
    imap_heading: "交互地图",
    imap_text: "每个圆点是一处有警情的地点，颜色表示该处警情中首车 5 分钟内到场的比例，大小表示警情数；将鼠标移到圆点上（或点击）可查看数据。浅色线为道路，并标出岗亭、派出所和检查站。同样的数据见 results_nodes.geojson。",
    imap_colour: "首车 5 分钟内到场比例：",
    imap_roads: "道路",
    imap_node: "节点",
    imap_calls: "警情数",
    imap_mean: "平均响应",
    crews_heading: "警组",
    crews_title: "警组：处警时间与街面见警率 (按层级)",
    layer: "层级",
    layer_names: [
        ("point", "点"),
        ("line", "线"),
        ("surface", "面"),
        ("standby", "备勤"),
    ],
    crews_y: "占在岗时间 (%)",
    utilisation: "利用率 (处警)",
    street_presence: "街面见警率 (巡逻、可调派)",
    sweep_title: "参数扫描各点达成率",
    sweep_heading: "参数扫描",
    ci_band: "95% 置信区间",
    target: "目标",
    least_meeting: "达标的最小值",
    none_meets: "没有取值以 95% 置信度达标",
    ci_note: "区间：各次重复均值的 Student t 95% 置信区间，截断在 0–100%。区间下限达到目标即为达标。",
    points: "扫描点",
    sweep_header: [
        "扫描点",
        "重复次数",
        "首车 ≤ 5 分钟 (95% 区间)",
        "全部警力 ≤ 10 分钟 (95% 区间)",
        "平均利用率",
    ],
    compare_title: "各方案承诺达成率对比",
    compare_heading: "方案对比",
    compare_y: "达成承诺的警情 (%)",
    compare_note: "柱：全部重复合并的占比；误差线：各次重复的 Student t 95% 置信区间，截断在 0–100%。",
    run: "方案",
    folder: "目录",
    compare_cdf: "首车到场时间 (分钟，全部警情)",
    differences: "方案之间的参数差异",
    no_differences: "各方案的情景参数相同。",
    parameter: "参数",
};

impl Labels {
    /// A layer's name in this language; unknown names as they are.
    pub fn layer_name<'a>(&self, table_name: &'a str) -> &'a str {
        self.layer_names
            .iter()
            .find(|(k, _)| *k == table_name)
            .map_or(table_name, |(_, v)| v)
    }
}

impl Lang {
    /// The words of this language.
    pub fn labels(self) -> &'static Labels {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// Registers this language's font with plotters (once per process) and returns the family
    /// name to draw with. Chinese needs a CJK font on the system: an error names what to
    /// install if there is none.
    pub fn font_family(self) -> anyhow::Result<&'static str> {
        match self {
            Lang::En => {
                static EN_FONT: OnceLock<()> = OnceLock::new();
                EN_FONT.get_or_init(|| {
                    plotters::style::register_font(
                        "sans-serif",
                        FontStyle::Normal,
                        dejavu::sans::regular(),
                    )
                    .unwrap_or_else(|_| panic!("the embedded DejaVu Sans font is valid"));
                });
                Ok("sans-serif")
            }
            Lang::Zh => {
                static CJK_FONT: OnceLock<Result<&'static str, String>> = OnceLock::new();
                CJK_FONT
                    .get_or_init(|| register_cjk_font().map_err(|e| format!("{e:#}")))
                    .clone()
                    .map_err(anyhow::Error::msg)
            }
        }
    }
}

/// CJK fonts looked for when fontconfig does not name one, in order of preference.
const KNOWN_CJK_FONTS: [&str; 5] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// The family name plotters (and the SVG) use for the CJK font.
const CJK_FAMILY: &str = "Noto Sans CJK SC";

/// A font file with Chinese glyphs: fontconfig's choice for Simplified Chinese if it covers
/// the language, else the first of the known Debian paths that exists.
fn find_cjk_font() -> Option<PathBuf> {
    let fc = |args: &[&str]| {
        std::process::Command::new(args[0])
            .args(&args[1..])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let covering = fc(&["fc-list", ":lang=zh", "file"]).unwrap_or_default();
    let chosen = fc(&["fc-match", "-f", "%{file}", "sans-serif:lang=zh-cn"])
        .filter(|f| !f.is_empty() && covering.lines().any(|l| l.starts_with(f.as_str())));
    chosen
        .map(PathBuf::from)
        .or_else(|| {
            KNOWN_CJK_FONTS
                .iter()
                .map(PathBuf::from)
                .find(|p| p.exists())
        })
        .filter(|p| Path::new(p).exists())
}

fn register_cjk_font() -> anyhow::Result<&'static str> {
    let path = find_cjk_font().context(
        "--lang zh needs a font with Chinese glyphs and none was found (fontconfig knows none \
         for :lang=zh): install one, e.g. `apt-get install fonts-noto-cjk` or fonts-wqy-zenhei",
    )?;
    let bytes = std::fs::read(&path)
        .with_context(|| format!("cannot read the CJK font {}", path.display()))?;
    // plotters keeps fonts for the life of the process.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font(CJK_FAMILY, FontStyle::Normal, bytes)
        .map_err(|_| anyhow::anyhow!("{}: not a font plotters can read", path.display()))?;
    Ok(CJK_FAMILY)
}
