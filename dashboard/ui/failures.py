"""Why a file failed to load, in words a county's data staff can act on (the 数据管理 page).

Implausible values are no longer marked here: the sanity rules (data/sanity.toml) put them on the
待核实 list (dashboard.metrics.doubtful)."""
from __future__ import annotations

# A failed file's reason (as the readers word it) -> what kind of failure it is and what to do.
# First match wins; the readers' own message is always shown beside it.
FAILURE_KINDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("旧版 Office",), "旧版 Office 格式", "请用 Office 或 WPS 打开后另存为 .docx / .xlsx 再上传。"),
    (("已加密", "需要密码"), "加密文件", "请向报送单位索取未加密的版本，或去掉打开密码后重新上传。"),
    (("扫描件", "没有文字层"), "扫描件（没有文字层）", "文件是扫描或图片生成的，无法读取文字：请提供带文字的 PDF 或 Word 版本。"),
    (("压缩炸弹", "解压后内容过大"), "疑似压缩炸弹", "解压后体积异常大，已拒绝读取：请确认文件来源。"),
    (("过大", "页数过多", "超过上传大小"), "超过大小限制", "请拆分文件后再上传，或请管理员调整上限。"),
    (("超时",), "读取超时", "文件过大或结构异常：请另存为新文件或拆分后再上传。"),
    (("不完整", "截断"), "文件不完整", "文件在下载或复制时被截断：请重新获取原文件。"),
    (("文件为空", "没有文字内容", "没有内容", "没有任何内容"), "空白文件", "文件里没有文字：请确认上传的是报告本身。"),
    (("乱码", "二进制", "编码"), "不是可读的文本", "请另存为 UTF-8 文本或 Word 文档后再上传。"),
    (("未识别到任何评价内容",), "未识别出评价报告", "没有找到项目名称、金额或得分：请确认这是绩效评价报告或自评表。"),
    (("不支持的文件类型",), "不支持的文件类型", "请上传 .txt .docx .pdf .xlsx .csv 格式的文件。"),
    (("权限不足", "无法读取文件"), "无法读取", "服务器无法读取该文件：请联系管理员。"),
    (("不是有效的", "损坏", "无法解析"), "文件损坏或格式不符", "请用 Office 或 WPS 打开确认，另存后再上传。"),
    (("写入数据库失败",), "入库失败", "请稍后重试；若一直失败，请联系管理员。"),
)


def explain_failure(reason: str | None) -> tuple[str, str]:
    """(what kind of failure, what to do), in Chinese, for a failed file's reason."""
    text = reason or ""
    for needles, kind, advice in FAILURE_KINDS:
        if any(n in text for n in needles):
            return kind, advice
    return "无法读取", "请查看原因说明；如有疑问请联系管理员。"
