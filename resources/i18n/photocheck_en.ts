<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>ChecklistModel</name>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>检测项目</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>测得</source>
        <translation>Measured</translation>
    </message>
    <message>
        <source>要求</source>
        <translation>Limit</translation>
    </message>
    <message>
        <source>测得：%1&#x3000;要求：%2</source>
        <translation>Measured: %1    Limit: %2</translation>
    </message>
    <message>
        <source>无法检测</source>
        <translation>Cannot check</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>出错了</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>放弃这些意见</source>
        <translation>Discard the decisions</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>打开报告</source>
        <translation>Open the report</translation>
    </message>
    <message>
        <source>没有能打开报告的浏览器。报告在这里：</source>
        <translation>No browser could open the report. It is here:</translation>
    </message>
    <message>
        <source>复制路径</source>
        <translation>Copy path</translation>
    </message>
    <message>
        <source>打开文件夹</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>没有能打开文件夹的程序。文件夹在这里：</source>
        <translation>No program could open the folder. The folder is here:</translation>
    </message>
    <message>
        <source>材料包 (*.zip manifest.json);;所有文件 (*)</source>
        <translation>Packages (*.zip manifest.json);;All files (*)</translation>
    </message>
    <message>
        <source>（请选择理由）</source>
        <translation>(choose a reason)</translation>
    </message>
    <message>
        <source>写给考生的具体说明（没有合适的模板时必填）</source>
        <translation>A note for the candidate (required when no reason fits)</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Send back</translation>
    </message>
    <message>
        <source>退回理由：</source>
        <translation>Reason:</translation>
    </message>
    <message>
        <source>补充说明：</source>
        <translation>Note:</translation>
    </message>
    <message>
        <source>图片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;所有文件 (*)</source>
        <translation>Images (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;All files (*)</translation>
    </message>
    <message>
        <source>图片或 PDF (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff *.pdf);;所有文件 (*)</source>
        <translation>Images or PDF (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff *.pdf);;All files (*)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>%1（已导入）</source>
        <translation>%1 (imported)</translation>
    </message>
    <message>
        <source>规则来源：%1（版本 %2）</source>
        <translation>Rules from: %1 (version %2)</translation>
    </message>
    <message>
        <source>导入规则包</source>
        <translation>Import rule pack</translation>
    </message>
    <message>
        <source>规则包 (*.toml)</source>
        <translation>Rule packs (*.toml)</translation>
    </message>
    <message>
        <source>已导入规则包：%1</source>
        <translation>Rule pack imported: %1</translation>
    </message>
    <message>
        <source>医考报名照片与材料检测 %1</source>
        <translation>Exam registration photo and document checker %1</translation>
    </message>
    <message>
        <source>照片检测</source>
        <translation>Photo check</translation>
    </message>
    <message>
        <source>报名材料</source>
        <translation>Materials</translation>
    </message>
    <message>
        <source>审核</source>
        <translation>Review</translation>
    </message>
    <message>
        <source>规则：</source>
        <translation>Rules:</translation>
    </message>
    <message>
        <source>导入规则包…</source>
        <translation>Import rule pack…</translation>
    </message>
    <message>
        <source>从文件导入其他考试、考区或年份的规则包（无需联网）</source>
        <translation>Import the rule pack of another exam, region or year from a file (no internet needed)</translation>
    </message>
    <message>
        <source>语言：</source>
        <translation>Language:</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>打开…</source>
        <translation>Open…</translation>
    </message>
    <message>
        <source>保存…</source>
        <translation>Save…</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>打开日志文件夹</source>
        <translation>Open the log folder</translation>
    </message>
    <message>
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <source>离线运行，不上传任何文件。当前规则：%1</source>
        <translation>Runs offline and uploads nothing. Current rules: %1</translation>
    </message>
</context>
<context>
    <name>MaterialsPage</name>
    <message>
        <source>已提交审核，全部材料已锁定。</source>
        <translation>Submitted for review; all materials are locked.</translation>
    </message>
    <message>
        <source>新建材料包：选择存放的文件夹</source>
        <translation>New package: choose the folder to keep it in</translation>
    </message>
    <message>
        <source>新建文件夹</source>
        <translation>New folder</translation>
    </message>
    <message>
        <source>文件夹“%1”还不存在。要新建它，并把材料包存放在里面吗？</source>
        <translation>The folder “%1” does not exist yet. Make it and keep the package in it?</translation>
    </message>
    <message>
        <source>打开材料包（选择材料包文件夹）</source>
        <translation>Open a package (choose the package folder)</translation>
    </message>
    <message>
        <source>请把图片拖到对应的材料项上（例如“身份证明”那一栏），每项会分别检测。</source>
        <translation>Drop images onto the item they belong to (for example “Identity document”); each item is checked on its own.</translation>
    </message>
    <message>
        <source>请先新建或打开材料包，再把图片拖到对应的材料项上。</source>
        <translation>First make or open a package, then drop images onto the item they belong to.</translation>
    </message>
    <message>
        <source>放到哪一项？</source>
        <translation>Which item?</translation>
    </message>
    <message>
        <source>文件夹里没有图片</source>
        <translation>No images in the folder</translation>
    </message>
    <message>
        <source>“%1”里没有图片或 PDF 文件（JPG、PNG、HEIC、WebP、BMP、TIFF、PDF）。</source>
        <translation>“%1” holds no images or PDF files (JPG, PNG, HEIC, WebP, BMP, TIFF, PDF).</translation>
    </message>
    <message>
        <source>添加图片</source>
        <translation>Add images</translation>
    </message>
    <message>
        <source>请确认</source>
        <translation>Please check</translation>
    </message>
    <message>
        <source>正在一键修复…</source>
        <translation>One-click fix running…</translation>
    </message>
    <message>
        <source>正在一键修复：%1 / %2  %3</source>
        <translation>One-click fix: %1 / %2  %3</translation>
    </message>
    <message>
        <source>一键修复已取消；已修复的图片保留在材料包中，其余的仍未加入。</source>
        <translation>One-click fix cancelled; the images already fixed stay in the package, the others are still not added.</translation>
    </message>
    <message>
        <source>一键修复：加入 %1 张，替换 %2 张。</source>
        <translation>One-click fix: %1 added, %2 replaced.</translation>
    </message>
    <message>
        <source>还不能提交审核</source>
        <translation>Not ready to submit</translation>
    </message>
    <message>
        <source>以下材料还不符合要求，请补齐后再提交：</source>
        <translation>These materials are not complete yet. Complete them, then submit:</translation>
    </message>
    <message>
        <source>提交后全部材料将被锁定（已锁定），审核期间不能修改。</source>
        <translation>After submitting, all materials are locked and cannot be changed during the review.</translation>
    </message>
    <message>
        <source>未上传的可选材料：%1</source>
        <translation>Optional materials not uploaded: %1</translation>
    </message>
    <message>
        <source>提交审核</source>
        <translation>Submit for review</translation>
    </message>
    <message>
        <source>材料已齐全。确定提交审核吗？</source>
        <translation>All materials are in place. Submit them for review?</translation>
    </message>
    <message>
        <source>已锁定：材料已提交，正在等待审核。审核期间不能修改。</source>
        <translation>Locked: submitted and waiting for review. Nothing can be changed during the review.</translation>
    </message>
    <message>
        <source>审核通过。</source>
        <translation>Accepted.</translation>
    </message>
    <message>
        <source>需修改：审核人员退回了部分材料，已为你解锁。请按审核意见修改后重新提交。</source>
        <translation>Needs changes: the reviewer sent some materials back and they are unlocked for you. Change them as the feedback says, then submit again.</translation>
    </message>
    <message numerus="yes">
        <source>%n 张图片未通过检测，暂未加入。点击“一键修复”修复后加入。</source>
        <translation>
            <numerusform>%n image failed its checks and was not added. Click “One-click fix” to fix and add it.</numerusform>
            <numerusform>%n images failed their checks and were not added. Click “One-click fix” to fix and add them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>未锁定：还差 %n 项材料。全部上传后点击“提交审核”。</source>
        <translation>
            <numerusform>Unlocked: %n item still missing. When everything is uploaded, click “Submit for review”.</numerusform>
            <numerusform>Unlocked: %n items still missing. When everything is uploaded, click “Submit for review”.</numerusform>
        </translation>
    </message>
    <message>
        <source>未锁定：材料已齐全，可以提交审核。</source>
        <translation>Unlocked: everything is in place; you can submit for review.</translation>
    </message>
    <message>
        <source>%1 第 %2 张</source>
        <translation>%1, image %2</translation>
    </message>
    <message>
        <source>审核意见：</source>
        <translation>Reviewer feedback:</translation>
    </message>
    <message>
        <source>回答下面几个问题，右侧会列出你需要上传的报名材料。然后新建一个材料包，按项添加图片；全部齐全后点击“提交审核”。</source>
        <translation>Answer the questions below and the materials you must upload are listed on the right. Then create a package and add the images item by item; when everything is in place, click “Submit for review”.</translation>
    </message>
    <message>
        <source>你的情况</source>
        <translation>About you</translation>
    </message>
    <message>
        <source>姓名（可不填）</source>
        <translation>Name (optional)</translation>
    </message>
    <message>
        <source>需要上传的材料</source>
        <translation>Materials to upload</translation>
    </message>
    <message>
        <source>新建材料包…</source>
        <translation>New package…</translation>
    </message>
    <message>
        <source>打开已有材料包…</source>
        <translation>Open a package…</translation>
    </message>
    <message>
        <source>一键修复</source>
        <translation>One-click fix</translation>
    </message>
    <message>
        <source>修复所有可以自动修复的图片（方向、大小、格式、照片白底等），修复后重新检测</source>
        <translation>Fix every image that can be fixed automatically (orientation, size, format, white photo background ...), then check it again</translation>
    </message>
    <message>
        <source>提交后全部材料锁定；被审核退回的材料会重新解锁</source>
        <translation>Submitting locks all materials; anything the reviewer sends back is unlocked again</translation>
    </message>
    <message>
        <source>打开其他材料包…</source>
        <translation>Open another package…</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>停止修复；已修复的图片保留</source>
        <translation>Stop fixing; the images already fixed are kept</translation>
    </message>
</context>
<context>
    <name>PhotoPage</name>
    <message>
        <source>打开照片文件</source>
        <translation>Open photo file</translation>
    </message>
    <message>
        <source>保存照片文件</source>
        <translation>Save photo file</translation>
    </message>
    <message>
        <source>JPG 照片 (*.jpg)</source>
        <translation>JPG photos (*.jpg)</translation>
    </message>
    <message>
        <source>文件已存在</source>
        <translation>File exists</translation>
    </message>
    <message>
        <source>%1 已经存在。要替换它吗？</source>
        <translation>%1 already exists. Replace it?</translation>
    </message>
    <message>
        <source>原来的文件会被新的报名照片替换。</source>
        <translation>The existing file will be replaced by the new registration photo.</translation>
    </message>
    <message>
        <source>怎么办：%1</source>
        <translation>What to do: %1</translation>
    </message>
    <message>
        <source>正在检测…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>正在修复…</source>
        <translation>Fixing…</translation>
    </message>
    <message>
        <source>%1 字节</source>
        <translation>%1 bytes</translation>
    </message>
    <message>
        <source>正在处理，请稍候；完成后才能保存。</source>
        <translation>Still working; you can save when it has finished.</translation>
    </message>
    <message>
        <source>还没有可保存的照片：先打开照片，再点击“一键修复”。</source>
        <translation>Nothing to save yet: open a photo, then click “One-click fix”.</translation>
    </message>
    <message>
        <source>先点击“一键修复”：生成合格的报名照片后才能保存。</source>
        <translation>Click “One-click fix” first: a passing registration photo can then be saved.</translation>
    </message>
    <message>
        <source>修复后的照片仍不合格，不能保存。请按右侧提示重新拍摄。</source>
        <translation>The fixed photo still fails, so it cannot be saved. Retake it as the advice on the right says.</translation>
    </message>
    <message>
        <source>已取消修复。</source>
        <translation>Fix cancelled.</translation>
    </message>
    <message>
        <source>已取消检测。</source>
        <translation>Check cancelled.</translation>
    </message>
    <message>
        <source>请拖入照片文件</source>
        <translation>Drop a photo file</translation>
    </message>
    <message>
        <source>“%1”是文件夹。照片检测一次检查一张照片：请把照片文件拖到这里。</source>
        <translation>“%1” is a folder. The photo check takes one photo at a time: drop a photo file here.</translation>
    </message>
    <message>
        <source>正在处理上一张照片，请稍候再拖入，或先点击“取消”。</source>
        <translation>Still working on the previous photo; drop again when it has finished, or click “Cancel” first.</translation>
    </message>
    <message>
        <source>一次检测一张照片：已打开 %1，其余 %2 项没有打开。</source>
        <translation>One photo at a time: opened %1; the other %2 were not opened.</translation>
    </message>
    <message>
        <source>还没有打开照片</source>
        <translation>No photo opened yet</translation>
    </message>
    <message>
        <source>无法检测这个文件</source>
        <translation>This file cannot be checked</translation>
    </message>
    <message>
        <source>检测结果照片合格</source>
        <translation>The result photo passes</translation>
    </message>
    <message>
        <source>原照片合格</source>
        <translation>The original photo passes</translation>
    </message>
    <message>
        <source>第一步：点击“①打开照片文件”，或把照片拖到窗口里。</source>
        <translation>Step one: click “① Open photo file”, or drag a photo into the window.</translation>
    </message>
    <message>
        <source>正在检测照片，请稍候…</source>
        <translation>Checking the photo, please wait…</translation>
    </message>
    <message>
        <source>正在自动裁剪、换白底并压缩，请稍候…</source>
        <translation>Cropping, whitening the background and compressing, please wait…</translation>
    </message>
    <message>
        <source>这个文件无法检测。请换一张照片（JPG 或 PNG）。</source>
        <translation>This file cannot be checked. Choose another photo (JPG or PNG).</translation>
    </message>
    <message>
        <source>无法自动修复这张照片，请按右侧提示重新拍摄。</source>
        <translation>This photo cannot be fixed automatically. Retake it as the hints on the right say.</translation>
    </message>
    <message>
        <source>已保存：%1。上传报名系统时请选择这个文件。</source>
        <translation>Saved: %1. Choose this file when you upload to the registration site.</translation>
    </message>
    <message>
        <source>检测结果照片合格。保存前请看一眼：头发和肩膀旁不应留有原背景。然后点击“②保存照片文件”。</source>
        <translation>The result photo passes. Look at it before saving: no old background should remain beside the hair or shoulders. Then click “② Save photo file”.</translation>
    </message>
    <message>
        <source>修复后的照片仍不合格，无法保存。请按右侧提示重新拍摄。</source>
        <translation>The fixed photo still fails and cannot be saved. Retake it as the hints on the right say.</translation>
    </message>
    <message>
        <source>原照片合格。点击“一键修复”生成带检测印记的报名照片，然后保存。</source>
        <translation>The original passes. Click “One-click fix” to make the sealed registration photo, then save it.</translation>
    </message>
    <message>
        <source>点击“一键修复”：自动摆正、裁剪、换白底并压缩到规定大小。</source>
        <translation>Click “One-click fix”: it levels, crops, whitens the background and compresses to the required size.</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 像素</source>
        <translation>%1 · %2 · %3 px</translation>
    </message>
    <message>
        <source>无法修复：</source>
        <translation>Cannot fix: </translation>
    </message>
    <message>
        <source>出错了：</source>
        <translation>Error: </translation>
    </message>
    <message numerus="yes">
        <source>检测结果照片仍不合格：%n 项未通过</source>
        <translation>
            <numerusform>The result photo still fails: %n check not met</numerusform>
            <numerusform>The result photo still fails: %n checks not met</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>原照片不合格：%n 项未通过</source>
        <translation>
            <numerusform>The original photo fails: %n check not met</numerusform>
            <numerusform>The original photo fails: %n checks not met</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>检测结果照片合格（有 %n 项提醒）</source>
        <translation>
            <numerusform>The result photo passes (%n warning)</numerusform>
            <numerusform>The result photo passes (%n warnings)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>原照片合格（有 %n 项提醒）</source>
        <translation>
            <numerusform>The original photo passes (%n warning)</numerusform>
            <numerusform>The original photo passes (%n warnings)</numerusform>
        </translation>
    </message>
    <message>
        <source>已完成：</source>
        <translation>Done: </translation>
    </message>
    <message>
        <source>①打开照片文件</source>
        <translation>① Open photo file</translation>
    </message>
    <message>
        <source>选择一张照片（Ctrl+O），也可以把照片拖到窗口里</source>
        <translation>Choose a photo (Ctrl+O), or drag one into the window</translation>
    </message>
    <message>
        <source>一键修复</source>
        <translation>One-click fix</translation>
    </message>
    <message>
        <source>自动摆正、按标准裁剪、换成白色背景，并压缩到规定大小以内</source>
        <translation>Level the head, crop to the standard, make the background white and compress under the size limit</translation>
    </message>
    <message>
        <source>②保存照片文件</source>
        <translation>② Save photo file</translation>
    </message>
    <message>
        <source>保存合格的检测结果照片（Ctrl+S），默认保存在原照片旁边</source>
        <translation>Save the passing result photo (Ctrl+S), next to the original by default</translation>
    </message>
    <message>
        <source>在照片上标注</source>
        <translation>Marks on the photo</translation>
    </message>
    <message>
        <source>画出人脸框、眼睛连线、头顶和下巴的位置、头部应在的范围，以及不合格的背景区域</source>
        <translation>Draw the face box, the eye line, the crown and chin, where the head should be, and the background areas that fail</translation>
    </message>
    <message>
        <source>打开所在文件夹</source>
        <translation>Open the folder</translation>
    </message>
    <message>
        <source>原照片</source>
        <translation>Original photo</translation>
    </message>
    <message>
        <source>检测结果照片</source>
        <translation>Result photo</translation>
    </message>
    <message>
        <source>原照片的检测</source>
        <translation>Checks of the original</translation>
    </message>
    <message>
        <source>检测结果照片的检测</source>
        <translation>Checks of the result</translation>
    </message>
    <message>
        <source>把照片拖到这里
或点击“①打开照片文件”</source>
        <translation>Drag a photo here
or click “① Open photo file”</translation>
    </message>
    <message>
        <source>点击“一键修复”后，
合格的报名照片显示在这里</source>
        <translation>After “One-click fix”,
the passing registration photo appears here</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>不再等待这次检测或修复</source>
        <translation>Stop waiting for this check or fix</translation>
    </message>
    <message>
        <source>以下几项无法自动检测，请自己确认</source>
        <translation>These cannot be measured; please check them yourself</translation>
    </message>
</context>
<context>
    <name>ReviewItemsModel</name>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>材料项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>检测</source>
        <translation>Checks</translation>
    </message>
    <message>
        <source>完整性</source>
        <translation>Integrity</translation>
    </message>
    <message>
        <source>审核</source>
        <translation>Review</translation>
    </message>
    <message>
        <source>检测中…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>未检测（已取消）</source>
        <translation>Not checked (cancelled)</translation>
    </message>
    <message>
        <source>✓ 合格</source>
        <translation>✓ Pass</translation>
    </message>
    <message>
        <source>! 合格，但有提醒</source>
        <translation>! Passes, with warnings</translation>
    </message>
    <message>
        <source>! 检测合格，但材料类型不符</source>
        <translation>! Checks pass, but the document kind is wrong</translation>
    </message>
    <message>
        <source>? 无法检测</source>
        <translation>? Cannot check</translation>
    </message>
    <message>
        <source>✗ 不合格：%1</source>
        <translation>✗ Fails: %1</translation>
    </message>
    <message>
        <source>未检测</source>
        <translation>Not checked</translation>
    </message>
    <message>
        <source>! 提醒</source>
        <translation>! Warning</translation>
    </message>
    <message>
        <source>✗ 不合格</source>
        <translation>✗ Fail</translation>
    </message>
    <message>
        <source>! 识别为：%1（与材料项“%2”不符）</source>
        <translation>! Looks like: %1 (not what “%2” expects)</translation>
    </message>
    <message>
        <source>识别为：%1</source>
        <translation>Looks like: %1</translation>
    </message>
    <message>
        <source>类型不符</source>
        <translation>Wrong kind</translation>
    </message>
    <message>
        <source>已改动</source>
        <translation>Changed</translation>
    </message>
    <message>
        <source>无印记</source>
        <translation>No seal</translation>
    </message>
    <message>
        <source>有提醒</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>✗ 已被改动</source>
        <translation>✗ Changed (tampered)</translation>
    </message>
    <message>
        <source>✓ 哈希一致</source>
        <translation>✓ Hash matches</translation>
    </message>
    <message>
        <source>✓ 哈希一致，印记完好</source>
        <translation>✓ Hash matches, seal intact</translation>
    </message>
    <message>
        <source>✓ 哈希一致，✗ 印记缺失或损坏</source>
        <translation>✓ Hash matches, ✗ seal missing or broken</translation>
    </message>
    <message>
        <source>未审核</source>
        <translation>Not reviewed</translation>
    </message>
    <message>
        <source>通过</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>退回：%1</source>
        <translation>Sent back: %1</translation>
    </message>
    <message>
        <source>%1（待导出）</source>
        <translation>%1 (not exported yet)</translation>
    </message>
    <message>
        <source>✔ 通过</source>
        <translation>✔ Accepted</translation>
    </message>
    <message>
        <source>↩ 退回</source>
        <translation>↩ Sent back</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>打开文件夹（检查其中的所有图片）</source>
        <translation>Open a folder (check every image in it)</translation>
    </message>
    <message>
        <source>正在载入…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>无法显示这个文件</source>
        <translation>This file cannot be shown</translation>
    </message>
    <message>
        <source>通过 %1</source>
        <translation>Accept %1</translation>
    </message>
    <message>
        <source>退回 %1：%2</source>
        <translation>Send back %1: %2</translation>
    </message>
    <message>
        <source>审核意见已写入材料包。材料包状态：%1</source>
        <translation>Feedback written into the package. Package state: %1</translation>
    </message>
    <message>
        <source>导出审核意见</source>
        <translation>Export feedback</translation>
    </message>
    <message>
        <source>打开材料包（.zip 文件或材料包文件夹）</source>
        <translation>Open a package (a .zip file or a package folder)</translation>
    </message>
    <message>
        <source>审核意见尚未导出</source>
        <translation>Decisions not exported</translation>
    </message>
    <message>
        <source>有 %1 条审核意见还没有导出到材料包。要先导出吗？</source>
        <translation>%1 decisions have not been exported into the package yet. Export them first?</translation>
    </message>
    <message>
        <source>检查中…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>检查中：%1 / %2</source>
        <translation>Checking: %1 / %2</translation>
    </message>
    <message>
        <source>已取消：未检测的文件不显示结论。</source>
        <translation>Cancelled: files not checked show no verdict.</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Sent back</translation>
    </message>
    <message>
        <source>已通过</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>空（可选）</source>
        <translation>Empty (optional)</translation>
    </message>
    <message>
        <source>空，缺材料</source>
        <translation>Empty, missing</translation>
    </message>
    <message>
        <source>齐全</source>
        <translation>Complete</translation>
    </message>
    <message>
        <source>张数不符</source>
        <translation>Wrong count</translation>
    </message>
    <message>
        <source>%1：%2 个文件，要求 %3。%4</source>
        <translation>%1: %2 files, required %3. %4</translation>
    </message>
    <message>
        <source>退回 %1 的理由（考生会看到）：</source>
        <translation>Why %1 goes back (the candidate sees this):</translation>
    </message>
    <message>
        <source>已退回</source>
        <translation>sent back</translation>
    </message>
    <message>
        <source>改为通过？</source>
        <translation>Accept it instead?</translation>
    </message>
    <message>
        <source>改为退回？</source>
        <translation>Send it back instead?</translation>
    </message>
    <message>
        <source>改变审核意见</source>
        <translation>Change a decision</translation>
    </message>
    <message>
        <source>%1 已有不同的审核意见。%2</source>
        <translation>%1 already has a different decision. %2</translation>
    </message>
    <message>
        <source>需要审核人</source>
        <translation>Reviewer needed</translation>
    </message>
    <message>
        <source>请先在“审核人”一栏填写您的姓名，审核记录会写明是谁做的决定。</source>
        <translation>Please enter your name under “Reviewer” first: the review record says who decided.</translation>
    </message>
    <message>
        <source>以审核人“%1”的名义，把以下审核意见写入材料包？</source>
        <translation>Write these decisions into the package as reviewer “%1”?</translation>
    </message>
    <message>
        <source>%1 第 %2 张</source>
        <translation>%1, image %2</translation>
    </message>
    <message>
        <source>%1（整项）</source>
        <translation>%1 (whole item)</translation>
    </message>
    <message>
        <source>批量审核</source>
        <translation>Batch audit</translation>
    </message>
    <message>
        <source>为已打开的“%1”生成报告？它的 %2 个文件都已检查过，不用再查一遍。</source>
        <translation>Report on “%1”, which is open? Its %2 files are checked already and are not checked again.</translation>
    </message>
    <message>
        <source>选“否”另选一个文件夹。</source>
        <translation>Choose “No” to pick another folder.</translation>
    </message>
    <message>
        <source>批量审核：选择要检查的文件夹</source>
        <translation>Batch audit: choose the folder to check</translation>
    </message>
    <message>
        <source>保存审核报告</source>
        <translation>Save the audit report</translation>
    </message>
    <message>
        <source>网页报告 (*.html)</source>
        <translation>Web page report (*.html)</translation>
    </message>
    <message>
        <source>文件已存在</source>
        <translation>File exists</translation>
    </message>
    <message>
        <source>%1 已经存在。要替换它吗？</source>
        <translation>%1 already exists. Replace it?</translation>
    </message>
    <message>
        <source>正在批量审核…</source>
        <translation>Auditing…</translation>
    </message>
    <message>
        <source>正在批量审核：%1 / %2  %3</source>
        <translation>Auditing: %1 / %2  %3</translation>
    </message>
    <message>
        <source>批量审核完成</source>
        <translation>Batch audit finished</translation>
    </message>
    <message>
        <source>共 %1 个文件：通过 %2，不通过 %3，无法检测 %4。</source>
        <translation>%1 files: %2 pass, %3 fail, %4 could not be checked.</translation>
    </message>
    <message>
        <source>报告：%1
表格：%2</source>
        <translation>Report: %1
Table: %2</translation>
    </message>
    <message>
        <source>已取消：批量审核没有生成报告。</source>
        <translation>Cancelled: the batch audit wrote no report.</translation>
    </message>
    <message>
        <source>检查中… %1 / %2</source>
        <translation>checking… %1 / %2</translation>
    </message>
    <message>
        <source>已取消，%1 / %2 已检查：%3 个有问题，%4 个有提醒</source>
        <translation>cancelled, %1 / %2 checked: %3 with problems, %4 with warnings</translation>
    </message>
    <message>
        <source>%1 个有问题，%2 个有提醒</source>
        <translation>%1 with problems, %2 with warnings</translation>
    </message>
    <message>
        <source>材料包 %1 · %2 · 状态：%3 · %4 个文件 · %5</source>
        <translation>Package %1 · %2 · state: %3 · %4 files · %5</translation>
    </message>
    <message>
        <source>文件夹 %1 · %2 个文件 · %3</source>
        <translation>Folder %1 · %2 files · %3</translation>
    </message>
    <message>
        <source>打开考生的材料包：.zip 文件或材料包文件夹（Ctrl+O）；也可以把材料包拖到这里</source>
        <translation>Open a candidate’s package: a .zip file or a package folder (Ctrl+O); you can also drop it here</translation>
    </message>
    <message>
        <source>审核当前文件</source>
        <translation>Decide on the current file</translation>
    </message>
    <message>
        <source>✔ 通过 (A)</source>
        <translation>✔ Accept (A)</translation>
    </message>
    <message>
        <source>↩ 退回 (R)</source>
        <translation>↩ Send back (R)</translation>
    </message>
    <message>
        <source>通过当前文件，并转到下一个（A 键）</source>
        <translation>Accept the current file and go to the next (A key)</translation>
    </message>
    <message>
        <source>选择退回理由后退回当前文件，并转到下一个（R 键）</source>
        <translation>Choose a reason, send the current file back and go to the next (R key)</translation>
    </message>
    <message>
        <source>✔ 通过整项</source>
        <translation>✔ Accept item</translation>
    </message>
    <message>
        <source>通过当前文件所在的整个材料项</source>
        <translation>Accept the whole item the current file belongs to</translation>
    </message>
    <message>
        <source>审核人（必填）：</source>
        <translation>Reviewer (required):</translation>
    </message>
    <message>
        <source>您的姓名</source>
        <translation>your name</translation>
    </message>
    <message>
        <source>请打开一个材料包或文件夹。</source>
        <translation>Open a package or a folder.</translation>
    </message>
    <message>
        <source>打开材料包…</source>
        <translation>Open package…</translation>
    </message>
    <message>
        <source>打开文件夹…</source>
        <translation>Open folder…</translation>
    </message>
    <message>
        <source>检查一个文件夹里的所有图片（不是材料包时只能查看，不能审核）</source>
        <translation>Check every image in a folder (outside a package you can look but not decide)</translation>
    </message>
    <message>
        <source>批量审核并生成报告…</source>
        <translation>Batch audit with report…</translation>
    </message>
    <message>
        <source>检查文件夹中所有材料包和图片，生成网页报告和表格</source>
        <translation>Check every package and image in a folder and write a web page report and a table</translation>
    </message>
    <message>
        <source>适合窗口</source>
        <translation>Fit</translation>
    </message>
    <message>
        <source>放大（也可按住 Ctrl 滚动鼠标滚轮）</source>
        <translation>Zoom in (or hold Ctrl and turn the mouse wheel)</translation>
    </message>
    <message>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>打开材料包后，在左侧选择文件；方向键切换，A 通过，R 退回</source>
        <translation>Open a package, then pick a file on the left; arrow keys move, A accepts, R sends back</translation>
    </message>
    <message>
        <source>材料项 张数/要求</source>
        <translation>Item files/required</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>↩ 退回整项</source>
        <translation>↩ Send item back</translation>
    </message>
    <message>
        <source>选择退回理由后退回当前文件所在的整个材料项</source>
        <translation>Choose a reason and send back the whole item the current file belongs to</translation>
    </message>
    <message>
        <source>待导出的审核意见</source>
        <translation>Feedback to export</translation>
    </message>
    <message>
        <source>撤销所选</source>
        <translation>Undo selected</translation>
    </message>
    <message>
        <source>导出审核意见到材料包</source>
        <translation>Export to the package</translation>
    </message>
    <message>
        <source>一次写入全部意见：被退回的材料项对考生解锁，并显示理由</source>
        <translation>Writes all feedback at once: items sent back unlock for the candidate, with the reason shown</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>上次打开的文件夹</source>
        <translation>Last opened folder</translation>
    </message>
    <message>
        <source>上次打开的材料包文件夹</source>
        <translation>Last opened package folder</translation>
    </message>
    <message>
        <source>窗口位置和大小</source>
        <translation>Window position and size</translation>
    </message>
    <message>
        <source>界面语言（空为跟随系统）</source>
        <translation>Interface language (empty: follow the system)</translation>
    </message>
    <message>
        <source>规则包（考试、考区、年份）</source>
        <translation>Rule pack (exam, region, year)</translation>
    </message>
    <message>
        <source>在照片上标出检测结果</source>
        <translation>Mark the check results on the photo</translation>
    </message>
    <message>
        <source>审核人员姓名</source>
        <translation>Reviewer&apos;s name</translation>
    </message>
    <message>
        <source>上次使用的页面</source>
        <translation>Last used page</translation>
    </message>
</context>
<context>
    <name>SlotCard</name>
    <message>
        <source>+ 添加图片</source>
        <translation>+ Add images</translation>
    </message>
    <message>
        <source>（%1，已上传 %2 张）</source>
        <translation>(%1; %2 uploaded)</translation>
    </message>
    <message>
        <source>第 %1 张</source>
        <translation>image %1</translation>
    </message>
    <message>
        <source>整项</source>
        <translation>whole item</translation>
    </message>
    <message>
        <source>审核意见（%1）：%2</source>
        <translation>Reviewer feedback (%1): %2</translation>
    </message>
    <message>
        <source>要换掉被退回的图片：先点它右上角的“−”删除，再点“+ 添加图片”或把新图片拖到这里。</source>
        <translation>To replace an image that was sent back: click the “−” in its top-right corner to delete it, then click “+ Add images” or drag the new image here.</translation>
    </message>
    <message>
        <source>未加入 %1：%2</source>
        <translation>Not added %1: %2</translation>
    </message>
    <message>
        <source>未通过检测</source>
        <translation>fails its checks</translation>
    </message>
    <message>
        <source>已锁定：提交审核后不能修改；被审核退回的材料会重新解锁</source>
        <translation>Locked: nothing can change after submitting; anything sent back by the reviewer unlocks again</translation>
    </message>
    <message numerus="yes">
        <source>已满：这一项只能上传 %n 张。要换图片，请先点图片右上角的“−”删除</source>
        <translation>
            <numerusform>Full: this item takes %n image. To replace it, first delete it with the “−” at its top right</numerusform>
            <numerusform>Full: this item takes %n images. To replace one, first delete it with the “−” at its top right</numerusform>
        </translation>
    </message>
    <message>
        <source>选择图片，也可以把图片拖到这一栏</source>
        <translation>Choose images, or drag them onto this item</translation>
    </message>
    <message>
        <source>还没有图片。点击“+ 添加图片”，或把图片拖到这里。</source>
        <translation>No images yet. Click “+ Add images”, or drag images here.</translation>
    </message>
    <message>
        <source>没有图片。</source>
        <translation>No images.</translation>
    </message>
    <message>
        <source>✔ 通过</source>
        <translation>✔ Accepted</translation>
    </message>
    <message>
        <source>↩ 退回</source>
        <translation>↩ Sent back</translation>
    </message>
    <message>
        <source>✓ 已通过检测</source>
        <translation>✓ Passes its checks</translation>
    </message>
    <message>
        <source>✗ 未通过：%1</source>
        <translation>✗ Fails: %1</translation>
    </message>
    <message>
        <source>已自动修复</source>
        <translation>Fixed automatically</translation>
    </message>
    <message>
        <source>审核通过</source>
        <translation>Accepted by the reviewer</translation>
    </message>
    <message>
        <source>审核退回：%1</source>
        <translation>Sent back by the reviewer: %1</translation>
    </message>
    <message>
        <source>点击“一键修复”，修复后加入</source>
        <translation>Click “One-click fix” to fix and add it</translation>
    </message>
    <message>
        <source>未加入</source>
        <translation>Not added</translation>
    </message>
</context>
<context>
    <name>ThumbTile</name>
    <message>
        <source>删除这张图片（Delete 键）</source>
        <translation>Delete this image (Delete key)</translation>
    </message>
</context>
<context>
    <name>Values</name>
    <message>
        <source>宽</source>
        <translation>width</translation>
    </message>
    <message>
        <source>高</source>
        <translation>height</translation>
    </message>
    <message>
        <source>宽高比</source>
        <translation>aspect</translation>
    </message>
    <message>
        <source>最小宽</source>
        <translation>min width</translation>
    </message>
    <message>
        <source>最小高</source>
        <translation>min height</translation>
    </message>
    <message>
        <source>允许误差</source>
        <translation>tolerance</translation>
    </message>
    <message>
        <source>白色比例</source>
        <translation>white share</translation>
    </message>
    <message>
        <source>最低亮度</source>
        <translation>min level</translation>
    </message>
    <message>
        <source>最大色度</source>
        <translation>max chroma</translation>
    </message>
    <message>
        <source>最低白色比例</source>
        <translation>min white share</translation>
    </message>
    <message>
        <source>最大不均匀度</source>
        <translation>max unevenness</translation>
    </message>
    <message>
        <source>脸部亮度</source>
        <translation>face brightness</translation>
    </message>
    <message>
        <source>过暗比例</source>
        <translation>too dark</translation>
    </message>
    <message>
        <source>过亮比例</source>
        <translation>too bright</translation>
    </message>
    <message>
        <source>反光</source>
        <translation>glare</translation>
    </message>
    <message>
        <source>反光提醒</source>
        <translation>glare warning</translation>
    </message>
    <message>
        <source>光线不均</source>
        <translation>uneven light</translation>
    </message>
    <message>
        <source>光线不均提醒</source>
        <translation>uneven light warning</translation>
    </message>
    <message>
        <source>最低</source>
        <translation>min</translation>
    </message>
    <message>
        <source>低于此值提醒</source>
        <translation>warn below</translation>
    </message>
    <message>
        <source>头高</source>
        <translation>head height</translation>
    </message>
    <message>
        <source>头高（提醒）</source>
        <translation>head height (warning)</translation>
    </message>
    <message>
        <source>头宽</source>
        <translation>head width</translation>
    </message>
    <message>
        <source>头顶</source>
        <translation>crown</translation>
    </message>
    <message>
        <source>额头遮住</source>
        <translation>forehead covered</translation>
    </message>
    <message>
        <source>像头发</source>
        <translation>like hair</translation>
    </message>
    <message>
        <source>把握</source>
        <translation>confidence</translation>
    </message>
    <message>
        <source>头顶遮住</source>
        <translation>crown covered</translation>
    </message>
    <message>
        <source>头顶异色</source>
        <translation>crown odd colour</translation>
    </message>
    <message>
        <source>头顶像头发</source>
        <translation>crown like hair</translation>
    </message>
    <message>
        <source>头顶把握</source>
        <translation>crown confidence</translation>
    </message>
    <message>
        <source>帽子压到额头</source>
        <translation>cap pulled down</translation>
    </message>
    <message>
        <source>压帽额头遮住</source>
        <translation>forehead covered (cap pulled down)</translation>
    </message>
    <message>
        <source>提醒</source>
        <translation>warn</translation>
    </message>
    <message>
        <source>不合格</source>
        <translation>fail</translation>
    </message>
    <message>
        <source>头顶提醒</source>
        <translation>crown warn</translation>
    </message>
    <message>
        <source>头顶不合格</source>
        <translation>crown fail</translation>
    </message>
    <message>
        <source>允许宗教头饰</source>
        <translation>religious covering allowed</translation>
    </message>
    <message>
        <source>斑块最小面积</source>
        <translation>smallest patch area</translation>
    </message>
    <message>
        <source>斑块数</source>
        <translation>patches</translation>
    </message>
    <message>
        <source>脸部亮度中位数</source>
        <translation>face median</translation>
    </message>
    <message>
        <source>高光亮度</source>
        <translation>highlights</translation>
    </message>
    <message>
        <source>背景亮度</source>
        <translation>background lightness</translation>
    </message>
    <message>
        <source>暗侧与亮侧之比</source>
        <translation>dark-to-light side ratio</translation>
    </message>
    <message>
        <source>暗光时过暗比例</source>
        <translation>dark share in dim light</translation>
    </message>
    <message>
        <source>暗光时明暗比</source>
        <translation>side ratio in dim light</translation>
    </message>
    <message>
        <source>暗光高光上限</source>
        <translation>dim below highlights of</translation>
    </message>
    <message>
        <source>纸面亮度</source>
        <translation>paper</translation>
    </message>
    <message>
        <source>字迹亮度</source>
        <translation>ink</translation>
    </message>
    <message>
        <source>对比度</source>
        <translation>contrast</translation>
    </message>
    <message>
        <source>最低纸面亮度</source>
        <translation>min paper</translation>
    </message>
    <message>
        <source>最高字迹亮度</source>
        <translation>max ink</translation>
    </message>
    <message>
        <source>最低对比度</source>
        <translation>min contrast</translation>
    </message>
    <message>
        <source>估计质量</source>
        <translation>estimated quality</translation>
    </message>
    <message>
        <source>方块感</source>
        <translation>blockiness</translation>
    </message>
    <message>
        <source>质量提醒</source>
        <translation>warn quality</translation>
    </message>
    <message>
        <source>质量不合格</source>
        <translation>fail quality</translation>
    </message>
    <message>
        <source>最大方块感</source>
        <translation>max blockiness</translation>
    </message>
    <message>
        <source>拍摄日期</source>
        <translation>taken</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>from</translation>
    </message>
    <message>
        <source>距今天数</source>
        <translation>age in days</translation>
    </message>
    <message>
        <source>提醒月数</source>
        <translation>warn after months</translation>
    </message>
    <message>
        <source>左右转头</source>
        <translation>yaw</translation>
    </message>
    <message>
        <source>抬头低头</source>
        <translation>pitch</translation>
    </message>
    <message>
        <source>睁眼程度</source>
        <translation>eye openness</translation>
    </message>
    <message>
        <source>张嘴程度</source>
        <translation>mouth opening</translation>
    </message>
    <message>
        <source>露齿</source>
        <translation>teeth</translation>
    </message>
    <message>
        <source>口中暗区</source>
        <translation>dark in mouth</translation>
    </message>
    <message>
        <source>眼部对比</source>
        <translation>eye contrast</translation>
    </message>
    <message>
        <source>镜片暗度</source>
        <translation>lens darkness</translation>
    </message>
    <message>
        <source>眼部对比提醒</source>
        <translation>warn eye contrast</translation>
    </message>
    <message>
        <source>镜片色度</source>
        <translation>lens tint</translation>
    </message>
    <message>
        <source>口鼻遮住</source>
        <translation>nose and mouth covered</translation>
    </message>
    <message>
        <source>非肤色</source>
        <translation>off skin hue</translation>
    </message>
    <message>
        <source>手</source>
        <translation>hand</translation>
    </message>
    <message>
        <source>非肤色提醒</source>
        <translation>warn off hue</translation>
    </message>
    <message>
        <source>非肤色不合格</source>
        <translation>fail off hue</translation>
    </message>
    <message>
        <source>手（提醒）</source>
        <translation>warn hand</translation>
    </message>
    <message>
        <source>手（不合格）</source>
        <translation>fail hand</translation>
    </message>
    <message>
        <source>EXIF 方向</source>
        <translation>EXIF orientation</translation>
    </message>
    <message>
        <source>内容方向</source>
        <translation>content orientation</translation>
    </message>
    <message>
        <source>依据强度</source>
        <translation>evidence</translation>
    </message>
</context>
</TS>
