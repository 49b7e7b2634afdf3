using TorchSharp;
var x = torch.randn(3, 3);
System.Console.WriteLine(x.sum().item<float>());
System.Console.WriteLine(torch.__version__);
