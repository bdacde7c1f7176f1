# The oracle from the command line (the shannon command built in tools/).
shannon kl --p 0.5,0.5 --q 0.9,0.1
shannon kl --p 0.5,0.5 --q 0.9,0.1 --digits 40
shannon cce-logits --labels 0,2 --logits 2,1,0.1,0.5,0.2,3 --classes 3 --format bfloat16
