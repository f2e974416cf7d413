"""The Chinese (zh_CN) wording of the questions in :data:`cnnlab.exercises.questions.QUESTIONS`.

``PROMPTS_ZH_CN`` holds each question's prompt (``{placeholders}`` are the question's ``params``,
for the questions whose numbers depend on a learner's name), ``LABELS_ZH_CN`` the options of the
multiple-choice ones by option key. The quick checks of the Chinese edition show them
(``cnnlab.widgets.quick_check``); the page asks for a click, so no prompt says "answer with a letter".

>>> from cnnlab.exercises.questions import QUESTIONS
>>> prompt_zh_cn(QUESTIONS["ex3_5"])
'5 × 5 卷积核、dilation=2、步幅 1 时，多大的填充能让 28 × 28 的输入保持 28 × 28？'
>>> LABELS_ZH_CN["ex1_5"]["b"]
'红色通道：一张 32 × 32 的图'
"""

from __future__ import annotations

from cnnlab.exercises.quick import Question

PROMPTS_ZH_CN: dict[str, str] = {
    "ex1_3": "MNIST 数字图像中的背景像素存储为 0。经过 ToTensor() 和 Normalize((0.1307,), (0.3081,)) "
             "之后，网络看到的值是多少？请保留 3 到 4 位小数。",
    "ex1_4": "60,000 张 MNIST 训练图像经 ToTensor() 转成 float32 张量后，共占多少字节？",
    "ex1_5": "PIL 和 ToTensor() 把一张彩色照片变成形状为 (3, 32, 32) 的张量 x。x[0] 是什么？",
    "ex2_2": "nn.Conv2d(3, 16, kernel_size=5) 有多少个参数（权重和偏置）？",
    "ex2_3": "教程 000 的 5 × 5 输入 [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], "
             "[3, 7, 5, 4, 1]] 与卷积核 [[1, 2, 3], [4, 5, 6], [7, 8, 9]] 做卷积，偏置为 10，"
             "无填充，步幅为 1。输出第 0 行第 1 列的值是多少？",
    "ex2_5": "无论图像多大，nn.Conv2d(3, 16, kernel_size=5) 都只有 1,216 个参数；而把一张 3 × 32 × 32 "
             "的图像映射到同样多个输出的 Linear 层，参数会有数百万个。为什么？",
    "ex3_2": "一个 7 × 7 卷积核以 padding=2、步幅 1 在 32 × 32 的输入上滑动。输出的高和宽各是多少像素？",
    "ex3_4": "把 nn.Conv2d(1, 1, kernel_size=4, padding='same') 用在宽 10 像素的输入上。"
             "PyTorch 在右侧补几个零？",
    "ex3_5": "{kernel} × {kernel} 卷积核、dilation={dilation}、步幅 1 时，多大的填充能让 28 × 28 的输入"
             "保持 28 × 28？",
    "ex4_1": "一个 5 × 5 卷积核以 stride=2、padding=2 在 32 × 32 的输入上滑动。输出的高和宽各是多少像素？",
    "ex4_2": "卷积核为 2 × 2、无填充时，多大的步幅能把 28 × 28 的输入变成 14 × 14？",
    "ex5_2": "对 28 × 28 的图像，经过 Conv2d(1, 32, 3)、ReLU、MaxPool2d(2)、Conv2d(32, 64, 3)、ReLU、"
             "MaxPool2d(2)、Flatten() 之后，Linear 层的 in_features 是多少？",
    "ex5_6": "Conv2d(k=3)、Conv2d(k=3)、MaxPool2d(2)、Conv2d(k=3)，都不带填充，除池化外步幅都为 1。"
             "一个输出像素的感受野在输入上有多少像素宽？",
    "ex5_7": "练习 5.2 的网络改为接收 3 通道的 32 × 32 图像（CIFAR-10）：第一层是 nn.Conv2d(3, 32, 3)。"
             "现在 Linear 层的 in_features 必须是多少？",
    "ex6_1": "一张 7 × 7 的特征图经过 nn.MaxPool2d(2)。输出的高和宽是多少（填一个数）？",
    "ex6_5": "同一张 7 × 7 的特征图改用 nn.MaxPool2d(2, ceil_mode=True) 呢？",
    "ex6_6": "为什么最大池化能让网络容忍特征的微小平移？",
    "ex7_1": "nn.Conv2d(16, 32, kernel_size=3) 有多少个参数？",
    "ex7_2": "nn.BatchNorm2d(32) 有多少个可学习的参数？",
    "ex7_6": "nn.Conv2d({in_channels}, {out_channels}, kernel_size=3, padding=1) 接收一张 {in_channels} × "
             "{size} × {size} 的图像。它要做多少次乘加（每个权重在每个输出位置算一次；不计偏置）？",
    "ex8_2": "教程 002 的 Backbone（C1 带填充 2）接收的不是 28 × 28 而是 32 × 32 的图像。"
             "展平后的输出有多少个数？",
    "ex8_4": "C5，即 nn.Conv2d(16, 120, kernel_size=5)，有多少个参数？",
    "ex8_5": "LeNet5()（在 1 × 28 × 28 的数字图像上训练）收到一张形状为 (1, 3, 32, 32) 的彩色照片。"
             "哪一层最先出错？",
    "ex9_7": "每一轮的训练损失：0.62、0.31、0.22、0.17、0.12、0.08、0.05。验证损失：0.58、0.33、0.27、"
             "0.25、0.28、0.34、0.41。发生了什么？",
    "ex9_8": "每 100 步记录一次的训练损失：2.30、2.9、4.7、18.2、391.0、nan。最可能的原因是什么？",
    "ex9_9": "这个循环的损失几乎不下降：model = nn.Sequential(LeNet5(), nn.Softmax(dim=1))；"
             "loss_fn = nn.CrossEntropyLoss()；optimizer = SGD(model.parameters(), lr=0.1)；每一步依次是 "
             "zero_grad、loss_fn(model(x), y).backward()、step。bug 在哪里？",
    "ex9_10": "先执行 images = images[torch.randperm(n)]; labels = labels[torch.randperm(n)]，再照常训练："
              "5 轮之后准确率仍在 10% 左右。bug 在哪里？",
    "ex9_11": "一个带 nn.Dropout(0.5) 的模型训练好后，在 torch.no_grad() 下对同样的测试图像评估了两次："
              "先是 97.1%，然后是 96.4%。忘了什么？",
    "ex10_5": "要在 CIFAR-10（3 通道的 32 × 32 照片）上训练 LeNet5，必须改什么？",
    "ex10_6": "为什么对训练图像做随机增强，往往能提高测试准确率？",
}

LABELS_ZH_CN: dict[str, dict[str, str]] = {
    "ex1_5": {"a": "第一行像素，每个像素带 3 个颜色值", "b": "红色通道：一张 32 × 32 的图",
              "c": "左上角像素的红、绿、蓝三个值", "d": "一批 3 张图像中的第一张"},
    "ex2_5": {"a": "同一个小滤波器用在图像的每个位置上", "b": "卷积一次只读取一个输入通道",
              "c": "卷积没有偏置", "d": "池化去掉了大部分权重"},
    "ex6_6": {"a": "它让特征图变模糊", "b": "它学到了能抵消平移的权重",
              "c": "最强的响应在窗口内移动时，窗口的最大值保持不变", "d": "它减少了通道数"},
    "ex8_5": {"a": "conv1", "b": "fc1", "c": "第一个池化层", "d": "都不会：PyTorch 会对 3 个通道求平均"},
    "ex9_7": {"a": "模型过拟合了", "b": "学习率太高", "c": "模型欠拟合：它太小了",
              "d": "标签与图像被分开打乱了"},
    "ex9_8": {"a": "过拟合", "b": "训练轮数太少", "c": "学习率过高", "d": "标签有误"},
    "ex9_9": {"a": "CrossEntropyLoss 之前的 softmax", "b": "缺了 model.eval()", "c": "梯度从未清零",
              "d": "lr=0.1 太高"},
    "ex9_10": {"a": "缺了 model.eval()", "b": "损失前面多了一个 softmax", "c": "5 轮太少",
               "d": "图像和标签用了不同的排列来打乱"},
    "ex9_11": {"a": "测试加载器中的 shuffle=False", "b": "model.eval()", "c": "torch.no_grad()",
               "d": "torch.manual_seed(0)"},
    "ex10_5": {"a": "把照片转成灰度图，别的都不改",
               "b": "conv1 读取 3 个通道，fc1 接收 32 × 32 图像留下的特征",
               "c": "只改 conv1：nn.Conv2d(3, 6, 5, padding=2)", "d": "把照片缩放到 28 × 28，别的都不改"},
    "ex10_6": {"a": "它让磁盘上的数据集变大了", "b": "它也用在测试图像上",
               "c": "网络每一轮看到的都是新的随机版本，无法死记住确切的图像", "d": "它让每一轮训练更快"},
}
"""Options that are code (``conv1``, ``model.eval()``) read the same in both languages."""


def prompt_zh_cn(question: Question) -> str:
    """The Chinese prompt of ``question``, its numbers filled in from ``question.params`` (Chapters 1–10).

    >>> from cnnlab.exercises.questions import ex7_6_question
    >>> prompt_zh_cn(ex7_6_question())[:46]
    'nn.Conv2d(16, 32, kernel_size=3, padding=1) 接收'
    """
    return PROMPTS_ZH_CN[question.id].format(**question.params)
